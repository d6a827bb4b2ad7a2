import { describe, expect, it } from 'vitest';
import { embeddingIdRanges, InputSynthesisError, resolveShape, synthesizeInputs, synthesizeModelInputs } from '../../../src/core/evaluate/inputs';
import { graphInputSpecs } from '../../../src/core/evaluate/io-spec';
import type { IOSpecLike } from '../../../src/core/evaluate/io-spec';
import { graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import { makeFloatTensor } from '../../../src/core/ir/tensor';
import { UnsupportedModelError } from '../../../src/core/util/errors';
import { constantsInIf, mlp } from '../../fixtures/models';
import { createNodeRuntime } from '../../../src/runtime/node';
import { runModel } from '../methods/run-helpers';

const spec = (name: string, dtype: string, shape: IOSpecLike['shape']): IOSpecLike => ({ name, dtype, shape });

describe('resolveShape', () => {
  it('keeps fixed dims and fills unknown ones with the defaults', () => {
    expect(resolveShape(spec('x', 'float32', ['batch', 64]))).toEqual([1, 64]);
    expect(resolveShape(spec('img', 'float32', [null, 3, 'h', '?']))).toEqual([1, 3, 64, 64]);
    expect(resolveShape(spec('ids', 'int64', ['b', 'seq']))).toEqual([1, 16]);
    expect(resolveShape(spec('m', 'int64', [null, 'a', 'b', 'c']))).toEqual([1, 16, 16, 16]);
    expect(resolveShape(spec('s', 'float32', []))).toEqual([]);
  });

  it('takes sizes from dims by symbolic name, and by input[axis] for unnamed dims', () => {
    const dims = { batch: 2, h: 48, 'img[3]': 192 };
    expect(resolveShape(spec('img', 'float32', ['batch', 3, 'h', null]), dims)).toEqual([2, 3, 48, 192]);
    expect(resolveShape(spec('x', 'float32', [5, 'batch']), { 'x[0]': 7, batch: 3 })).toEqual([7, 3]);
  });

  it('rejects inputs without a shape and bad sizes', () => {
    expect(() => resolveShape(spec('x', 'float32', undefined))).toThrow(/declares no shape/);
    expect(() => resolveShape(spec('x', 'float32', ['n']), { n: -2 })).toThrow(InputSynthesisError);
  });
});

describe('synthesizeInputs', () => {
  const specs = [spec('x', 'float32', ['batch', 8]), spec('ids', 'int64', [1, 'seq']), spec('mask', 'bool', [4]), spec('h', 'float16', [2])];

  it('is deterministic for a seed, and sample k does not depend on the count', () => {
    const a = synthesizeInputs(specs, { seed: 42, count: 3 });
    const b = synthesizeInputs(specs, { seed: 42, count: 3 });
    expect(a).toEqual(b);
    const first = synthesizeInputs(specs, { seed: 42, count: 1 });
    expect(first[0]).toEqual(a[0]);
    expect(a[1]!.x!.data).not.toEqual(a[0]!.x!.data);
    const other = synthesizeInputs(specs, { seed: 43, count: 1 });
    expect(other[0]!.x!.data).not.toEqual(a[0]!.x!.data);
  });

  it('gives the right dtypes, shapes and value ranges', () => {
    const [s] = synthesizeInputs(specs, { seed: 1, count: 1, dims: { seq: 50 } });
    expect(s!.x).toMatchObject({ dtype: 'float32', dims: [1, 8] });
    expect(s!.x!.data).toBeInstanceOf(Float32Array);
    expect(s!.ids).toMatchObject({ dtype: 'int64', dims: [1, 50] });
    const ids = [...(s!.ids!.data as BigInt64Array)].map(Number);
    expect(ids.every((v) => Number.isInteger(v) && v >= 0 && v < 10)).toBe(true);
    expect(new Set(ids).size).toBeGreaterThan(3);
    expect([...(s!.mask!.data as Uint8Array)].every((v) => v === 0 || v === 1)).toBe(true);
    expect(s!.h!.data).toBeInstanceOf(Uint16Array);
  });

  it('draws floats from a standard normal, or a uniform range when asked', () => {
    const big = [spec('x', 'float32', [20000])];
    const normal = synthesizeInputs(big, { seed: 7, count: 1 })[0]!.x!.data as Float32Array;
    const mean = normal.reduce((s, v) => s + v, 0) / normal.length;
    const variance = normal.reduce((s, v) => s + (v - mean) ** 2, 0) / normal.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    const uniform = synthesizeInputs(big, { seed: 7, count: 1, float: { kind: 'uniform', min: 2, max: 3 } })[0]!.x!.data as Float32Array;
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...uniform)).toBeLessThan(3);
    const ints = synthesizeInputs([spec('i', 'int32', [1000])], { seed: 7, count: 1, intRange: { min: -3, max: 3 } })[0]!.i!.data as Int32Array;
    expect(Math.min(...ints)).toBe(-3);
    expect(Math.max(...ints)).toBe(2);
  });

  it('throws a typed error for dtypes it cannot synthesize', () => {
    for (const dtype of ['string', 'complex64', 'int4', 'float8e4m3fn', 'undefined']) {
      const fn = (): unknown => synthesizeInputs([spec('s', dtype, [1])], { seed: 0, count: 1 });
      expect(fn).toThrow(InputSynthesisError);
      expect(fn).toThrow(UnsupportedModelError);
      expect(fn).toThrow(new RegExp(`dtype ${dtype}`));
    }
  });

  it('refuses inputs that would be huge', () => {
    expect(() => synthesizeInputs([spec('x', 'float32', [1, 'n', 'n'])], { seed: 0, count: 1, dims: { n: 100000 } })).toThrow(/elements/);
  });
});

describe('model inputs', () => {
  it('takes the graph inputs of a model', () => {
    const [s] = synthesizeModelInputs(mlp(), { seed: 0, count: 1 });
    expect(Object.keys(s!)).toEqual(['x']);
    expect(s!.x!.dims).toEqual([1, 64]);
    const [t] = synthesizeModelInputs(constantsInIf(), { seed: 0, count: 1 });
    expect(t!.flag).toMatchObject({ dtype: 'bool', dims: [] });
  });

  it('leaves out inputs that are also initializers', () => {
    const m = model(
      graph({
        nodes: [node('Add', ['x', 'w'], ['y'])],
        inputs: [valueInfo('x', DT.FLOAT, [2]), valueInfo('w', DT.FLOAT, [2])],
        outputs: [valueInfo('y', DT.FLOAT, [2])],
        initializers: [makeFloatTensor('w', [2], Float32Array.of(1, 2))],
      }),
    );
    expect(graphInputSpecs(m).map((s) => s.name)).toEqual(['x']);
  });
});

describe('token ids for embedding inputs', () => {
  /** ids[batch, seq] (int64) -> Gather from a 50 x 8 table -> y. */
  const embedding = () =>
    model(
      graph({
        name: 'embed',
        inputs: [valueInfo('ids', DT.INT64, ['batch', 'seq'])],
        outputs: [valueInfo('y', DT.FLOAT, ['batch', 'seq', 8])],
        initializers: [makeFloatTensor('table', [50, 8], Float32Array.from({ length: 400 }, (_, i) => i / 400))],
        nodes: [node('Gather', ['table', 'ids'], ['y'], {}, { name: 'embed' })],
      }),
    );

  it('an integer input that indexes a stored table gets ids across the whole table, and the model runs on them', async () => {
    const m = embedding();
    expect(embeddingIdRanges(m)).toEqual({ ids: { min: 0, max: 50 } });
    const [feeds] = synthesizeModelInputs(m, { seed: 3, count: 1, dims: { seq: 64 } });
    const ids = [...(feeds!.ids!.data as BigInt64Array)].map(Number);
    expect(Math.min(...ids)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...ids)).toBeLessThan(50);
    // Beyond the plain default range [0, 10): the table's rows are all reachable.
    expect(Math.max(...ids)).toBeGreaterThanOrEqual(10);
    const out = await runModel(createNodeRuntime(), m, feeds!);
    expect(out.y!.dims).toEqual([1, 64, 8]);
    // An explicit range still wins.
    const [narrow] = synthesizeModelInputs(m, { seed: 3, count: 1, dims: { seq: 64 }, intRanges: { ids: { min: 0, max: 2 } } });
    expect(Math.max(...[...(narrow!.ids!.data as BigInt64Array)].map(Number))).toBeLessThan(2);
  });
});
