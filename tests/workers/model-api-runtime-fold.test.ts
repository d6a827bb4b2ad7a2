import { describe, expect, it } from 'vitest';
import { modelWorkerApi } from '../../workers/model-api';
import { encodeModel } from '../../src/core/onnx/encode';
import { decodeModel } from '../../src/core/onnx/decode';
import { constantRunner } from '../../src/runtime/constant-runner';
import { createNodeRuntime } from '../../src/runtime/node';
import { ops } from '../core/methods/run-helpers';
import { unevaluatedConstants } from '../fixtures/constant-subgraph-models';

describe('model worker API, simplify with a constant runner', () => {
  const input = { model: encodeModel(unevaluatedConstants()), external: {} };
  const recipe = { steps: [{ method: 'simplify', options: {} }] };

  it('folds the subgraphs the core does not evaluate when given the runner, and only then', async () => {
    const runtime = createNodeRuntime();
    const withRunner = await modelWorkerApi.compress(input, recipe, undefined, undefined, undefined, undefined, constantRunner(async () => runtime));
    expect(ops(decodeModel(withRunner.bytes))).toEqual(['Gemm', 'MatMul']);
    expect(withRunner.steps[0]!.changes.filter((c) => c.kind === 'node-folded').map((c) => c.opType)).toContain('Conv');
    const without = await modelWorkerApi.compress(input, recipe);
    expect(ops(decodeModel(without.bytes))).toContain('Sin');
  });
});
