/**
 * Cancellation reaches the kernels through MethodContext: a method working on one big tensor stops
 * part way through it, whether the signal (here a fake that reads aborted after a set number of
 * checks) or the shared cancel flag (raised from a progress callback) says so.
 */
import { describe, expect, it } from 'vitest';
import { graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import { makeFloatTensor } from '../../../src/core/ir/tensor';
import type { ModelIR } from '../../../src/core/ir/model';
import { getMethod } from '../../../src/core/methods/registry';
import { CHECK_EVERY } from '../../../src/core/util/checkpoint';
import { createCancelFlag, raiseCancelFlag } from '../../../src/core/util/cancel-flag';
import { AbortError } from '../../../src/core/util/errors';
import { seededRandom } from '../../../src/core/util/random';
import type { Progress } from '../../../src/core/util/progress';

function weights(count: number, seed: number): Float32Array<ArrayBuffer> {
  const rnd = seededRandom(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (rnd.next() * 2 - 1) * 0.05;
  return out;
}

/** MatMul chain x -> W1 -> Relu -> W2 of width x width weights (two layers, so prune-channels has a consumer to cut). */
function chain(width: number): ModelIR {
  return model(
    graph({
      name: 'chain',
      inputs: [valueInfo('x', DT.FLOAT, [1, width])],
      outputs: [valueInfo('y', DT.FLOAT, [1, width])],
      initializers: [makeFloatTensor('w1', [width, width], weights(width * width, 1)), makeFloatTensor('w2', [width, width], weights(width * width, 2))],
      nodes: [node('MatMul', ['x', 'w1'], ['h'], {}, { name: 'fc1' }), node('Relu', ['h'], ['r'], {}, { name: 'relu' }), node('MatMul', ['r', 'w2'], ['y'], {}, { name: 'fc2' })],
    }),
  );
}

/** A signal whose `aborted` turns true on read number `after + 1` (never, by default), counting reads. */
function countingSignal(after = Infinity): { signal: AbortSignal; reads: () => number } {
  let reads = 0;
  const signal = {
    get aborted() {
      return ++reads > after;
    },
    reason: undefined,
    throwIfAborted() {
      if (this.aborted) throw new AbortError();
    },
  };
  return { signal: signal as unknown as AbortSignal, reads: () => reads };
}

const WIDTH = 1024;
const big = chain(WIDTH);
/** Two 1M-value tensors: at least one check per 4 x CHECK_EVERY values even on the WebAssembly paths. */
const MIN_CHECKS = (2 * WIDTH * WIDTH) / (4 * CHECK_EVERY);

/** Where the tensors are under way: the first per-tensor step, or for prune-channels (no steps) its cutting phase. */
const firstStep = (p: Progress): boolean => p.kind === 'step';
const cutting = (p: Progress): boolean => p.kind === 'phase' && p.phase === 'prune-channels: cutting tensors';

const CASES: { recipe: string; options: Record<string, unknown>; model: ModelIR; minChecks: number; underWay?: (p: Progress) => boolean }[] = [
  { recipe: 'int8-weight', options: {}, model: big, minChecks: MIN_CHECKS },
  { recipe: 'int8-dynamic', options: {}, model: big, minChecks: MIN_CHECKS },
  { recipe: 'int4', options: {}, model: big, minChecks: MIN_CHECKS },
  { recipe: 'fp16', options: {}, model: big, minChecks: MIN_CHECKS },
  { recipe: 'fp16-weight', options: {}, model: big, minChecks: MIN_CHECKS },
  { recipe: 'prune-unstructured', options: { sparsity: 0.5 }, model: big, minChecks: MIN_CHECKS },
  { recipe: 'prune-unstructured', options: { sparsity: 0.5, scope: 'global' }, model: big, minChecks: MIN_CHECKS },
  { recipe: 'prune-channels', options: { ratio: 0.5 }, model: big, minChecks: WIDTH / 2, underWay: cutting },
  { recipe: 'low-rank', options: { rank: 'ratio', ratio: 0.25 }, model: chain(192), minChecks: 192 },
];

describe.each(CASES)('$recipe $options stops part way on a cancel', ({ recipe, options, model: m, minChecks, underWay = firstStep }) => {
  const method = getMethod(recipe);

  it('through the signal: after exactly as many checks as it was allowed', async () => {
    const full = countingSignal();
    await method.apply(m, options, { signal: full.signal });
    const total = full.reads();
    expect(total).toBeGreaterThanOrEqual(minChecks);
    const limit = Math.floor(total / 2);
    const half = countingSignal(limit);
    await expect(method.apply(m, options, { signal: half.signal })).rejects.toBeInstanceOf(AbortError);
    expect(half.reads()).toBe(limit + 1);
  });

  it('through the cancel flag, raised once the first tensor is under way', async () => {
    const flag = createCancelFlag();
    let raised = false;
    const run = method.apply(m, options, {
      cancelFlag: flag,
      onProgress: (p) => {
        if (!raised && underWay(p)) {
          raised = true;
          raiseCancelFlag(flag);
        }
      },
    });
    await expect(run).rejects.toBeInstanceOf(AbortError);
    expect(raised).toBe(true);
  });
});
