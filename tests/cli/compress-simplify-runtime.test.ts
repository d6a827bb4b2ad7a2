import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { decodeModel } from '../../src/core/onnx/decode';
import { encodeModel } from '../../src/core/onnx/encode';
import { createNodeRuntime } from '../../src/runtime/node';
import { ops, runModel, seededFeeds } from '../core/methods/run-helpers';
import { unevaluatedConstants } from '../fixtures/constant-subgraph-models';
import { cli, tempDir } from './cli-harness';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('compress --recipe simplify folds constant subgraphs with onnxruntime-web', () => {
  it('leaves no Sin, Cos, Erf, Softplus or Conv over stored tensors, and the written model gives the original outputs', async () => {
    const original = unevaluatedConstants();
    const input = tmp.write('consts.onnx', encodeModel(original));
    const out = tmp.path('consts.simplified.onnx');
    const r = await cli('compress', input, '--recipe', 'simplify', '-o', out);
    expect(r.code).toBe(0);
    const written = decodeModel(new Uint8Array(readFileSync(out)));
    expect(ops(written)).toEqual(['Gemm', 'MatMul']);
    const runtime = createNodeRuntime();
    const feeds = seededFeeds({ x: { dtype: 'float32', dims: [2, 8] } });
    const [ref, got] = [await runModel(runtime, original, feeds), await runModel(runtime, written, feeds)];
    const a = ref.y!.data as Float32Array;
    const b = got.y!.data as Float32Array;
    expect(got.y!.dims).toEqual(ref.y!.dims);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-5);
  });
});
