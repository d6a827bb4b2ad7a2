import { describe, expect, it } from 'vitest';
import { graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import type { ModelIR } from '../../../src/core/ir/model';
import { makeFloatTensor } from '../../../src/core/ir/tensor';
import type { Feeds } from '../../../src/core/evaluate/tensor-data';
import { compareOutputs } from '../../../src/core/evaluate/metrics';
import { getMethod } from '../../../src/core/methods/registry';
import type { LayerChange } from '../../../src/core/methods/changes';
import { formatChange, summarizeChanges } from '../../../src/core/methods/changes';
import { encodeModel } from '../../../src/core/onnx/encode';
import { decodeModel } from '../../../src/core/onnx/decode';
import { modelOpener } from '../../../src/runtime/calibrate';
import { createNodeRuntime } from '../../../src/runtime/node';
import type { Progress } from '../../../src/core/util/progress';
import { AbortError } from '../../../src/core/util/errors';
import { correlatedInputs } from '../../fixtures/correlated-inputs';
import { ops, randn, runAll, sameBytes } from './run-helpers';

const runtime = createNodeRuntime();
const lowRank = getMethod('low-rank');

/** A K x N weight of exactly rank r (a product of seeded factors), or full rank when r is undefined. */
function weight(seed: number, k: number, n: number, r?: number): Float32Array<ArrayBuffer> {
  if (r === undefined) return randn(seed, k * n, 0.3);
  const a = randn(seed, k * r, 0.5);
  const b = randn(seed + 1, r * n, 0.5);
  const w = new Float32Array(k * n);
  for (let i = 0; i < k; i++) for (let j = 0; j < r; j++) for (let c = 0; c < n; c++) w[i * n + c] = w[i * n + c]! + a[i * r + j]! * b[j * n + c]!;
  return w;
}

function transpose(w: Float32Array<ArrayBuffer>, k: number, n: number): Float32Array<ArrayBuffer> {
  const out = new Float32Array(k * n);
  for (let i = 0; i < k; i++) for (let c = 0; c < n; c++) out[c * k + i] = w[i * n + c]!;
  return out;
}

/**
 * Every form low-rank rewrites, in one graph:
 * x[6,32] -> MatMul W1[32,48] -> Gemm(W2 [40,48] transB, C, alpha 0.7, beta 1.3) -> Transpose ->
 * Gemm(transA, W3 [40,36], C) -> y[6,36]; image[1,24,9,9] -> 1x1 Conv (W4 [40,24], bias, stride 2, pads 1) -> z[1,40,6,6].
 * Weights have rank `r` (full when undefined).
 */
function everyForm(r?: number, opset = 17): ModelIR {
  return model(
    graph({
      name: 'forms',
      inputs: [valueInfo('x', DT.FLOAT, [6, 32]), valueInfo('image', DT.FLOAT, [1, 24, 9, 9])],
      outputs: [valueInfo('y', DT.FLOAT, [6, 36]), valueInfo('z', DT.FLOAT, [1, 40, 6, 6])],
      initializers: [
        makeFloatTensor('w1', [32, 48], weight(1, 32, 48, r)),
        makeFloatTensor('w2', [40, 48], transpose(weight(3, 48, 40, r), 48, 40)),
        makeFloatTensor('c2', [40], randn(5, 40)),
        makeFloatTensor('w3', [40, 36], weight(6, 40, 36, r)),
        makeFloatTensor('c3', [36], randn(8, 36)),
        makeFloatTensor('w4', [40, 24, 1, 1], transpose(weight(9, 24, 40, r), 24, 40)),
        makeFloatTensor('b4', [40], randn(11, 40)),
      ],
      nodes: [
        node('MatMul', ['x', 'w1'], ['h1'], {}, { name: 'mm' }),
        node('Gemm', ['h1', 'w2', 'c2'], ['h2'], { transB: 1, alpha: { float: 0.7 }, beta: { float: 1.3 } }, { name: 'gemm_tb' }),
        node('Transpose', ['h2'], ['h2t'], { perm: [1, 0] }),
        node('Gemm', ['h2t', 'w3', 'c3'], ['y'], { transA: 1 }, { name: 'gemm_ta' }),
        node('Conv', ['image', 'w4', 'b4'], ['z'], { kernel_shape: [1, 1], strides: [2, 2], pads: [1, 1, 1, 1] }, { name: 'conv' }),
      ],
    }),
    { '': opset },
  );
}

function feeds(seed: number): Feeds {
  return {
    x: { dtype: 'float32', dims: [6, 32], data: randn(seed, 6 * 32, 1) },
    image: { dtype: 'float32', dims: [1, 24, 9, 9], data: randn(seed + 1, 24 * 81, 1) },
  };
}

const rankChanges = (changes: readonly LayerChange[]) => changes.flatMap((c) => (c.kind === 'rank' ? [c] : []));

async function compare(original: ModelIR, result: ModelIR) {
  const inputs = [feeds(21), feeds(22)];
  return compareOutputs(await runAll(runtime, original, inputs), await runAll(runtime, result, inputs));
}

describe('low-rank on every form it rewrites (executed in onnxruntime-web)', () => {
  it.each([17, 9])('at full rank (opset %i) reproduces the outputs within float tolerance, each layer as two nodes of its kind', async (opset) => {
    const m = everyForm(undefined, opset);
    const bytes = encodeModel(m);
    const r = await lowRank.apply(m, { energy: 1, onlyWhereSmaller: false });
    expect(sameBytes(encodeModel(m), bytes)).toBe(true);
    expect(ops(r.model).sort()).toEqual(['Conv', 'Conv', 'Gemm', 'Gemm', 'Gemm', 'MatMul', 'MatMul', 'MatMul', 'Transpose']);
    const changes = rankChanges(r.changes);
    expect(changes.map((c) => [c.name, c.before, c.after])).toEqual([
      ['mm', 32, 32],
      ['gemm_tb', 40, 40],
      ['gemm_ta', 36, 36],
      ['conv', 24, 24],
    ]);
    for (const c of changes) expect(c.sqnrDb!).toBeGreaterThan(100);
    for (const metric of await compare(m, decodeModel(encodeModel(r.model)))) {
      expect(metric.sqnrDb).toBeGreaterThan(90);
      expect(metric.maxAbs).toBeLessThan(1e-4);
    }
  });

  it('finds the rank of exactly rank-4 weights from an SQNR floor and keeps the outputs; parameters shrink as r(m+n) says', async () => {
    const m = everyForm(4);
    const r = await lowRank.apply(m, { rank: 'sqnr', sqnr: 100 });
    const changes = rankChanges(r.changes);
    expect(changes.map((c) => c.after)).toEqual([4, 4, 4, 4]);
    expect(changes.map((c) => [c.paramsBefore, c.paramsAfter])).toEqual([
      [32 * 48, 4 * 80],
      [48 * 40, 4 * 88],
      [40 * 36, 4 * 76],
      [24 * 40, 4 * 64],
    ]);
    expect(r.tensors).toBe(4);
    for (const metric of await compare(m, r.model)) expect(metric.sqnrDb).toBeGreaterThan(80);
    const [line, ...rest] = summarizeChanges(r.changes);
    expect(rest).toEqual([]);
    expect(line).toMatch(/^4 weights factored to low rank \(5856 -> 1232 parameters in them\); lowest gemm_tb: rank 4 of 40, 1920 -> 352 parameters, weight SQNR \d+\.\d dB$/);
    expect(formatChange(changes[0]!)).toMatch(/^mm: rank 4 of 32, 1536 -> 320 parameters, weight SQNR \d+\.\d dB$/);
  });

  it('ratio picks r = floor(ratio·m·n/(m+n)) and roundTo rounds it up', async () => {
    const m = everyForm();
    const r = await lowRank.apply(m, { rank: 'ratio', ratio: 0.5 });
    expect(rankChanges(r.changes).map((c) => c.after)).toEqual([9, 10, 9, 7]);
    const rounded = await lowRank.apply(m, { rank: 'ratio', ratio: 0.5, roundTo: 4 });
    expect(rankChanges(rounded.changes).map((c) => c.after)).toEqual([12, 12, 12, 8]);
    // Lower rank, lower fidelity: a real truncation of full-rank weights.
    const [full, half] = [await compare(m, (await lowRank.apply(m, { rank: 'ratio', ratio: 0.9 })).model), await compare(m, r.model)];
    expect(full[0]!.sqnrDb).toBeGreaterThan(half[0]!.sqnrDb);
  });

  it('energy keeps the smallest rank holding that share of the squared singular values', async () => {
    const r = await lowRank.apply(everyForm(), { energy: 0.5, onlyWhereSmaller: false });
    for (const c of rankChanges(r.changes)) {
      // The weight SQNR of a truncation keeping energy e is at least -10·log10(1 - e) = 3 dB.
      expect(c.sqnrDb!).toBeGreaterThanOrEqual(3 - 1e-3);
      expect(c.after).toBeLessThan(c.before);
    }
  });

  it('says why when nothing is factored: no layer saves parameters, or none has a stored 2-D / 1x1 weight', async () => {
    const r = await lowRank.apply(everyForm(), { energy: 1 });
    expect(r.changes).toEqual([]);
    expect(r.warnings.join(' ')).toMatch(/No layer saves parameters at the rank energy 1 gives .*mm \(rank 32 of 32x48\).*the model is unchanged\./);
    const conv3 = model(
      graph({
        inputs: [valueInfo('image', DT.FLOAT, [1, 3, 8, 8])],
        outputs: [valueInfo('y', DT.FLOAT, [1, 4, 6, 6])],
        initializers: [makeFloatTensor('w', [4, 3, 3, 3], randn(1, 108))],
        nodes: [node('Conv', ['image', 'w'], ['y'], { kernel_shape: [3, 3] }, { name: 'c3' })],
      }),
    );
    const none = await lowRank.apply(conv3, {});
    expect(none.model).toBe(conv3);
    expect(none.warnings.join(' ')).toMatch(/Nothing to factor\. Left 1 MatMul\/Gemm\/Conv layer\(s\) as they are: c3: a 3x3 kernel/);
    const excluded = await lowRank.apply(everyForm(4), { rank: 'sqnr', sqnr: 100, excludeNodes: ['gemm_*', 'conv'] });
    expect(rankChanges(excluded.changes).map((c) => c.name)).toEqual(['mm']);
  });

  it('reports progress per layer and stops when aborted', async () => {
    const events: Progress[] = [];
    await lowRank.apply(everyForm(), { rank: 'ratio' }, { onProgress: (p) => events.push(p) });
    expect(events.filter((e) => e.kind === 'step').map((e) => (e.kind === 'step' ? `${e.index}/${e.total} ${e.item}` : ''))).toEqual(['0/4 mm', '1/4 gemm_tb', '2/4 gemm_ta', '3/4 conv']);
    const controller = new AbortController();
    const aborting = lowRank.apply(everyForm(), {}, { signal: controller.signal, onProgress: (p) => p.kind === 'step' && p.index === 1 && controller.abort() });
    await expect(aborting).rejects.toBeInstanceOf(AbortError);
  });
});

/** x[rows,32] with four dominant shared directions -> MatMul W[32,32] (full rank) -> y. */
function correlatedMatMul(): ModelIR {
  return model(
    graph({
      inputs: [valueInfo('x', DT.FLOAT, ['rows', 32])],
      outputs: [valueInfo('y', DT.FLOAT, ['rows', 32])],
      initializers: [makeFloatTensor('w', [32, 32], weight(40, 32, 32))],
      nodes: [node('MatMul', ['x', 'w'], ['y'], {}, { name: 'proj' })],
    }),
  );
}

describe('low-rank whiten (data-aware)', () => {
  const sample = (seed: number): Feeds => ({ x: { dtype: 'float32', dims: [64, 32], data: correlatedInputs(64, 32, seed) } });
  const ctx = { openModel: modelOpener(runtime), calibrationInputs: [1, 2, 3, 4].map(sample) };

  it('beats plain SVD at the same rank on held-out inputs drawn like the calibration ones', async () => {
    const m = correlatedMatMul();
    const plain = await lowRank.apply(m, { rank: 'ratio', ratio: 0.25 }, ctx);
    const whitened = await lowRank.apply(m, { rank: 'ratio', ratio: 0.25, whiten: true }, ctx);
    expect(rankChanges(plain.changes)[0]!.after).toBe(4);
    expect(rankChanges(whitened.changes)[0]!.after).toBe(4);
    const held = [sample(50), sample(51)];
    const ref = await runAll(runtime, m, held);
    const [p] = compareOutputs(ref, await runAll(runtime, plain.model, held));
    const [w] = compareOutputs(ref, await runAll(runtime, whitened.model, held));
    // Four input directions carry most of the signal: whitening keeps them, plain SVD keeps W's own top four.
    expect(w!.sqnrDb).toBeGreaterThan(p!.sqnrDb + 10);
    expect(w!.cosine).toBeGreaterThan(0.99);
    // The whitened layer reports its output SQNR on the calibration samples; its weight SQNR is lower than plain's.
    const wc = rankChanges(whitened.changes)[0]!;
    const pc = rankChanges(plain.changes)[0]!;
    expect(wc.outputSqnrDb).toBeGreaterThan(15);
    expect(pc.outputSqnrDb).toBeUndefined();
    expect(wc.sqnrDb!).toBeLessThan(pc.sqnrDb!);
  });

  it('at full rank reproduces the outputs too', async () => {
    const m = correlatedMatMul();
    const r = await lowRank.apply(m, { energy: 1, whiten: true, onlyWhereSmaller: false }, ctx);
    expect(rankChanges(r.changes)[0]!.after).toBe(32);
    const held = [sample(60)];
    const [metric] = compareOutputs(await runAll(runtime, m, held), await runAll(runtime, r.model, held));
    expect(metric!.sqnrDb).toBeGreaterThan(90);
  });

  it('whitens MatMul, Gemm and the strided 1x1 Conv from their measured inputs; the transA Gemm stays plain and is named', async () => {
    const m = everyForm();
    const r = await lowRank.apply(m, { rank: 'ratio', ratio: 0.5, whiten: true }, { openModel: modelOpener(runtime), calibrationInputs: [feeds(1), feeds(2), feeds(3)] });
    const byName = new Map(rankChanges(r.changes).map((c) => [c.name, c]));
    for (const name of ['mm', 'gemm_tb', 'conv']) expect(Number.isFinite(byName.get(name)!.outputSqnrDb)).toBe(true);
    expect(byName.get('gemm_ta')!.outputSqnrDb).toBeUndefined();
    expect(r.warnings.join(' ')).toMatch(/Plain SVD for 1 layer\(s\) whitening cannot measure \(in a subgraph or a Gemm with transA\): gemm_ta/);
    // The Conv reads a model input, so on the samples it was measured on its output beats plain SVD's at the same rank.
    const calib = [feeds(1), feeds(2), feeds(3)];
    const plain = await lowRank.apply(m, { rank: 'ratio', ratio: 0.5 });
    const ref = await runAll(runtime, m, calib);
    const z = (outs: Feeds[]) => compareOutputs(ref, outs).find((x) => x.name === 'z')!.sqnrDb;
    expect(z(await runAll(runtime, r.model, calib))).toBeGreaterThan(z(await runAll(runtime, plain.model, calib)));
  });

  it('needs a runtime to measure layer inputs', async () => {
    await expect(lowRank.apply(correlatedMatMul(), { whiten: true, rank: 'ratio' })).rejects.toThrow(/MethodContext\.openModel/);
  });
});
