import { describe, expect, it } from 'vitest';
import { loadSample, loadSamples, type SampleOptions, type SampleSource } from '../../../../src/core/evaluate/loaders/sample-set';
import { SampleFormatError } from '../../../../src/core/evaluate/loaders/sample-error';
import type { IOSpecLike } from '../../../../src/core/evaluate/io-spec';
import { decodeImageNode } from '../../../../src/cli/image-decoder';
import { jpegBytes, npyBytes, npzBytes, pngBytes, seededPixels, typedBytes, wavBytes } from '../../../fixtures/samples';

const src = (path: string, bytes: Uint8Array | string): SampleSource => ({
  path,
  read: async () => (typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes),
});
const image: IOSpecLike = { name: 'image', dtype: 'float32', shape: ['N', 3, 6, 8] };
const opts = (inputs: IOSpecLike[], extra: Partial<SampleOptions> = {}): SampleOptions => ({ inputs, decodeImage: decodeImageNode, ...extra });

describe('loadSample', () => {
  it('decodes a PNG losslessly into NCHW 0..1 at the input size', async () => {
    const px = seededPixels(8, 6);
    const feeds = await loadSample(src('a.png', pngBytes(8, 6, px)), opts([image]));
    const t = feeds.image!;
    expect(t.dims).toEqual([1, 3, 6, 8]);
    const d = t.data as Float32Array;
    for (let y = 0; y < 6; y++) for (let x = 0; x < 8; x++) for (let c = 0; c < 3; c++) expect(d[(c * 6 + y) * 8 + x]).toBeCloseTo(px[(y * 8 + x) * 4 + c]! / 255, 6);
  });

  it('decodes a JPEG close to its pixels and resizes to NHWC uint8 inputs', async () => {
    const flat = new Uint8Array(16 * 16 * 4).map((_, i) => (i % 4 === 3 ? 255 : i % 4 === 0 ? 200 : i % 4 === 1 ? 100 : 30));
    const nhwc: IOSpecLike = { name: 'px', dtype: 'uint8', shape: [1, 4, 4, 3] };
    const feeds = await loadSample(src('b.jpeg', jpegBytes(16, 16, flat)), opts([nhwc], { image: { scale: '0..255' } }));
    expect(feeds.px).toMatchObject({ dtype: 'uint8', dims: [1, 4, 4, 3] });
    const d = feeds.px!.data as Uint8Array;
    for (let i = 0; i < d.length; i += 3) {
      expect(Math.abs(d[i]! - 200)).toBeLessThanOrEqual(3);
      expect(Math.abs(d[i + 1]! - 100)).toBeLessThanOrEqual(3);
      expect(Math.abs(d[i + 2]! - 30)).toBeLessThanOrEqual(3);
    }
  });

  it('uses the image size for open dims and the --dim sizes when set', async () => {
    const open: IOSpecLike = { name: 'x', dtype: 'float32', shape: ['b', 3, 'h', 'w'] };
    expect((await loadSample(src('c.png', pngBytes(5, 7, seededPixels(5, 7))), opts([open]))).x!.dims).toEqual([1, 3, 7, 5]);
    expect((await loadSample(src('c.png', pngBytes(5, 7, seededPixels(5, 7))), opts([open], { dims: { h: 4, w: 2 } }))).x!.dims).toEqual([1, 3, 4, 2]);
  });

  it('fits .npy, JSON and WAV samples to a single input, adding the batch axis and casting', async () => {
    const vec: IOSpecLike = { name: 'x', dtype: 'float32', shape: ['batch', 4] };
    const npy = await loadSample(src('v.npy', npyBytes('<f8', [4], typedBytes(Float64Array.of(1, 2, 3, 4)))), opts([vec]));
    expect(npy.x).toMatchObject({ dtype: 'float32', dims: [1, 4], data: Float32Array.of(1, 2, 3, 4) });
    const ids: IOSpecLike = { name: 'ids', dtype: 'int64', shape: [1, 'seq'] };
    const json = await loadSample(src('t.json', '[[5, 7, 9]]'), opts([ids]));
    expect(json.ids).toMatchObject({ dtype: 'int64', dims: [1, 3], data: BigInt64Array.of(5n, 7n, 9n) });
    const audio: IOSpecLike = { name: 'wave', dtype: 'float32', shape: ['batch', 'samples'] };
    const wav = await loadSample(src('s.wav', wavBytes({ format: 'pcm16', sampleRate: 8000, channels: [[0, 0.5, -0.5, 0.25]] })), opts([audio], { sampleRate: 16000 }));
    expect(wav.wave!.dims).toEqual([1, 8]);
  });

  it('feeds every input from an .npz or a JSON object', async () => {
    const inputs: IOSpecLike[] = [
      { name: 'a', dtype: 'float32', shape: [1, 2] },
      { name: 'b', dtype: 'int32', shape: [1] },
    ];
    const npz = npzBytes({ a: npyBytes('<f4', [1, 2], typedBytes(Float32Array.of(1, 2))), b: npyBytes('<i8', [1], typedBytes(BigInt64Array.of(3n))) });
    const feeds = await loadSample(src('m.npz', npz), opts(inputs));
    expect(feeds.b).toMatchObject({ dtype: 'int32', data: Int32Array.of(3) });
    expect((await loadSample(src('m.json', '{"a": [[1, 2]], "b": [4]}'), opts(inputs))).b!.data).toEqual(Int32Array.of(4));
  });

  it.each([
    ['x.npy', npyBytes('<f4', [3], new Uint8Array(12)), [{ name: 'x', dtype: 'float32', shape: [1, 4] }], /x.npy: the array has shape \[3\]; input 'x' expects \[1, 4\]/],
    ['x.json', '[0.5, 2]', [{ name: 'ids', dtype: 'int64', shape: [2] }], /x.json: item 0 is 0.5, which input 'ids' \(int64\) cannot hold; expected integers/],
    ['x.npy', npyBytes('<f4', [2], new Uint8Array(8)), [image, { name: 'y', dtype: 'float32', shape: [2] }], /x.npy: An .npy sample feeds one input, but the model has 2 \(\[image, y\]\)/],
    ['x.npz', npzBytes({ a: npyBytes('<f4', [1], new Uint8Array(4)) }), [{ name: 'a', dtype: 'float32', shape: [1] }, { name: 'b', dtype: 'float32', shape: [1] }], /x.npz: no array for \[b\]; expected one array per model input \[a, b\]/],
    ['x.wav', wavBytes({ format: 'pcm16', sampleRate: 8000, channels: [[0]] }), [{ name: 'w', dtype: 'float32', shape: [1, 'n'] }], /x.wav: no sample rate is set/],
    ['x.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]), [image], /x.png: the PNG does not decode/],
    ['x.jpg', new TextEncoder().encode('hello world'), [image], /x.jpg: not a PNG, JPEG or WebP image/],
    ['x.txt', 'hi', [image], /x.txt: unknown sample type/],
  ] as const)('gives a typed error naming %s and the problem (%#)', async (path, bytes, inputs, message) => {
    const err = await loadSample(src(path, bytes), opts(inputs as unknown as IOSpecLike[], { dims: {} })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SampleFormatError);
    expect((err as Error).message).toMatch(message);
  });
});

describe('loadSamples', () => {
  it('loads sample files in order, reports the rest as ignored, and stops on abort', async () => {
    const vec: IOSpecLike = { name: 'x', dtype: 'float32', shape: [1, 2] };
    const files = [src('a.json', '[1, 2]'), src('notes.md', '#'), src('b.json', '[3, 4]')];
    const r = await loadSamples(files, opts([vec]));
    expect(r.files).toEqual(['a.json', 'b.json']);
    expect(r.ignored).toEqual(['notes.md']);
    expect(r.samples.map((s) => Array.from(s.x!.data as Float32Array))).toEqual([[1, 2], [3, 4]]);
    const ac = new AbortController();
    ac.abort();
    await expect(loadSamples(files, { ...opts([vec]), signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
