import { describe, expect, it } from 'vitest';
import { parseNpy } from '../../../../src/core/evaluate/loaders/npy';
import { parseNpz } from '../../../../src/core/evaluate/loaders/npz';
import { SampleFormatError } from '../../../../src/core/evaluate/loaders/sample-error';
import { float32ToFloat16Bits } from '../../../../src/core/ir/fp16';
import { npyBytes, npzBytes, npzZip64Style, typedBytes } from '../../../fixtures/samples';

const CASES = [
  ['i1', 'int8', Int8Array.of(-128, -1, 0, 127)],
  ['u1', 'uint8', Uint8Array.of(0, 1, 200, 255)],
  ['i2', 'int16', Int16Array.of(-32768, -2, 3, 32767)],
  ['u2', 'uint16', Uint16Array.of(0, 2, 40000, 65535)],
  ['i4', 'int32', Int32Array.of(-2147483648, -5, 6, 2147483647)],
  ['u4', 'uint32', Uint32Array.of(0, 7, 3000000000, 4294967295)],
  ['i8', 'int64', BigInt64Array.of(-(2n ** 63n), -9n, 10n, 2n ** 62n)],
  ['u8', 'uint64', BigUint64Array.of(0n, 11n, 2n ** 63n, 2n ** 64n - 1n)],
  ['f2', 'float16', Uint16Array.from([0.5, -2, 65504, 1e-4], float32ToFloat16Bits)],
  ['f4', 'float32', Float32Array.of(0.25, -1.5, 3.4e38, 1e-30)],
  ['f8', 'float64', Float64Array.of(0.1, -1e300, Math.PI, 5e-324)],
] as const;

describe('parseNpy', () => {
  it.each(CASES)('reads %s (%s) little and big endian, C order', (kind, dtype, values) => {
    for (const [order, big] of [['<', false], ['>', true]] as const) {
      const descr = kind.endsWith('1') ? `|${kind}` : `${order}${kind}`;
      const t = parseNpy(npyBytes(descr, [2, 2], typedBytes(values, big)), 'a.npy');
      expect(t.dtype).toBe(dtype);
      expect(t.dims).toEqual([2, 2]);
      expect(Array.from(t.data as ArrayLike<unknown>)).toEqual(Array.from(values as ArrayLike<unknown>));
    }
  });

  it('reads bool, scalars, empty arrays, versions 2 and 3, and data at an odd offset', () => {
    const b = parseNpy(npyBytes('|b1', [3], Uint8Array.of(1, 0, 1)), 'b.npy');
    expect(b).toMatchObject({ dtype: 'bool', dims: [3] });
    expect(Array.from(b.data as Uint8Array)).toEqual([1, 0, 1]);
    expect(parseNpy(npyBytes('<f4', [], typedBytes(Float32Array.of(7))), 's.npy')).toMatchObject({ dims: [], data: Float32Array.of(7) });
    expect(parseNpy(npyBytes('<f4', [0, 5], new Uint8Array(0)), 'e.npy').dims).toEqual([0, 5]);
    for (const version of [2, 3] as const) {
      expect(Array.from(parseNpy(npyBytes('<i2', [2], typedBytes(Int16Array.of(-3, 4)), { version }), 'v.npy').data as Int16Array)).toEqual([-3, 4]);
    }
    const bytes = npyBytes('<f8', [2], typedBytes(Float64Array.of(1.5, -2)));
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(Array.from(parseNpy(shifted.subarray(3), 'odd.npy').data as Float64Array)).toEqual([1.5, -2]);
  });

  it.each([
    ['Fortran order', npyBytes('<f4', [2, 2], new Uint8Array(16), { fortran: true }), /f.npy: .*Fortran \(column-major\) order; expected C order/],
    ['object arrays', npyBytes('|O', [2], new Uint8Array(16)), /f.npy: the array has object dtype/],
    ['strings', npyBytes('<U3', [2], new Uint8Array(24)), /string dtype/],
    ['complex', npyBytes('<c8', [2], new Uint8Array(16)), /complex dtype/],
    ['truncated data', npyBytes('<f4', [4], new Uint8Array(8)), /truncated: shape \(4\) of f4 needs 16 bytes, found 8/],
    ['another format', new TextEncoder().encode('PK\u0003\u0004 not numpy'), /f.npy: not a .npy file/],
    ['a header without shape', npyBytes('<f4', [1], new Uint8Array(4)).map((b, i) => (i > 10 && b === 0x73 ? 0x78 : b)), /lacks descr, fortran_order or shape/],
  ])('gives a typed error naming the file for %s', (_what, bytes, message) => {
    const err = (() => {
      try {
        parseNpy(bytes, 'f.npy');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(SampleFormatError);
    expect((err as SampleFormatError).name).toBe('SampleFormatError');
    expect((err as SampleFormatError).file).toBe('f.npy');
    expect((err as Error).message).toMatch(message);
  });
});

describe('parseNpz', () => {
  const x = npyBytes('<f4', [1, 3], typedBytes(Float32Array.of(1, 2, 3)));
  const ids = npyBytes('<i8', [1, 2], typedBytes(BigInt64Array.of(5n, 6n)));

  it.each([
    ['stored', npzBytes({ x, ids }, 0)],
    ['deflated', npzBytes({ x, ids }, 6)],
    ['zip64-style as numpy writes it', npzZip64Style({ x, ids })],
  ])('reads %s archives into arrays by name', (_kind, bytes) => {
    const t = parseNpz(bytes, 'sample.npz');
    expect(Object.keys(t).sort()).toEqual(['ids', 'x']);
    expect(Array.from(t.x!.data as Float32Array)).toEqual([1, 2, 3]);
    expect(t.ids).toMatchObject({ dtype: 'int64', dims: [1, 2] });
  });

  it('gives typed errors naming the file for damaged archives', () => {
    const good = npzBytes({ x }, 6);
    const flipped = good.slice();
    flipped[40] = flipped[40]! ^ 0xff; // inside the deflate stream of the only entry
    expect(() => parseNpz(flipped, 'bad.npz')).toThrow(/bad.npz: 'x.npy' in the zip archive (does not inflate|fails its CRC check|holds)/);
    expect(() => parseNpz(good.subarray(0, 30), 'cut.npz')).toThrow(/cut.npz: no zip end-of-central-directory record/);
    expect(() => parseNpz(npzBytes({}, 0), 'empty.npz')).toThrow(/empty.npz: the .npz archive holds no arrays/);
    const stored = npzBytes({ x }, 0);
    const corrupt = stored.slice();
    const at = stored.indexOf(0x93) + 130; // a data byte of the stored .npy (its header is 128 bytes)
    corrupt[at] = stored[at]! ^ 1;
    expect(() => parseNpz(corrupt, 'crc.npz')).toThrow(SampleFormatError);
    expect(() => parseNpz(corrupt, 'crc.npz')).toThrow(/fails its CRC check/);
    const inner = npzBytes({ x: npyBytes('<f4', [2, 2], new Uint8Array(16), { fortran: true }) });
    expect(() => parseNpz(inner, 'f.npz')).toThrow(/f.npz:x.npy: the array is stored in Fortran/);
  });
});
