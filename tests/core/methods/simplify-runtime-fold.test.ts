/**
 * simplify folding, through the host's runtime, the constant subgraphs of operators the core's
 * evaluator does not compute: with a fake runner (what it is asked to run, the guard, failures,
 * random operators) and with the onnxruntime-web runner the worker and the CLI use.
 */
import { describe, expect, it } from 'vitest';
import { attr, graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { patch } from '../../../src/core/ir/edit';
import { DT } from '../../../src/core/ir/dtype';
import { makeFloatTensor, readFloat32 } from '../../../src/core/ir/tensor';
import { constantTensor, listNodes } from '../../../src/core/ir/walk';
import type { ModelIR } from '../../../src/core/ir/model';
import type { Feeds } from '../../../src/core/evaluate/tensor-data';
import { decodeModel } from '../../../src/core/onnx/decode';
import { encodeModel } from '../../../src/core/onnx/encode';
import type { ConstantRunner } from '../../../src/core/methods/types';
import { simplify } from '../../../src/core/methods/simplify';
import { int8Weight } from '../../../src/core/methods/int8-weight';
import { fp16 } from '../../../src/core/methods/fp16';
import { convBnRelu, mlp } from '../../fixtures/models';
import { constantRunner } from '../../../src/runtime/constant-runner';
import { createNodeRuntime } from '../../../src/runtime/node';
import { ops, randn, runModel, seededFeeds } from './run-helpers';
import { unevaluatedConstants } from '../../fixtures/constant-subgraph-models';

const runtime = createNodeRuntime();
const ortRunner = constantRunner(async () => runtime);

function maxDiff(a: Feeds, b: Feeds): number {
  let d = 0;
  for (const [k, t] of Object.entries(a)) {
    expect(b[k]!.dims).toEqual(t.dims);
    const x = t.data as Float32Array;
    const y = b[k]!.data as Float32Array;
    for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i]! - y[i]!));
  }
  return d;
}

/** y = x + Sin(w), with a RandomNormalLike beside it that only feeds a second output. */
function sinOfWeight(random = false): ModelIR {
  return model(
    graph({
      name: 'g',
      inputs: [valueInfo('x', DT.FLOAT, [2, 4])],
      outputs: [valueInfo('y', DT.FLOAT, [2, 4]), ...(random ? [valueInfo('noise', DT.FLOAT, [2, 4])] : [])],
      initializers: [makeFloatTensor('w', [2, 4], randn(5, 8))],
      nodes: [
        node('Sin', ['w'], ['s'], {}, { name: 'sin' }),
        node('Add', ['x', 's'], ['y'], {}, { name: 'add' }),
        ...(random ? [node('RandomNormalLike', ['w'], ['noise'], {}, { name: 'noise' })] : []),
      ],
    }),
  );
}

/** A runner computing Sin only, in JS, recording every model it is handed. */
function fakeSinRunner(): { runner: ConstantRunner; calls: { model: ModelIR; outputs: readonly string[] }[] } {
  const calls: { model: ModelIR; outputs: readonly string[] }[] = [];
  const runner: ConstantRunner = async (bytes, outputs) => {
    const m = decodeModel(new Uint8Array(bytes));
    calls.push({ model: m, outputs });
    const g = m.graph!;
    const values = new Map<string, Float32Array>(g.initializer.map((t) => [t.name, readFloat32(t)]));
    const dims = new Map(g.initializer.map((t) => [t.name, t.dims.map(Number)]));
    for (const n of g.node) {
      if (n.opType !== 'Sin') throw new Error(`fake runner: no ${n.opType}`);
      values.set(n.output[0]!, Float32Array.from(values.get(n.input[0]!)!, Math.sin));
      dims.set(n.output[0]!, dims.get(n.input[0]!)!);
    }
    return Object.fromEntries(outputs.map((o) => [o, { dtype: 'float32' as const, dims: dims.get(o)!, data: values.get(o)! }]));
  };
  return { runner, calls };
}

const x = seededFeeds({ x: { dtype: 'float32', dims: [2, 4] } });

describe('simplify folds constant subgraphs through a ConstantRunner', () => {
  it('hands the runner a model with no inputs that computes only the constant values read outside it', async () => {
    const { runner, calls } = fakeSinRunner();
    const m = sinOfWeight();
    const r = await simplify.apply(m, {}, { runConstants: runner });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.model.graph!.input).toEqual([]);
    expect(calls[0]!.model.graph!.initializer.map((t) => t.name)).toEqual(['w']);
    expect(calls[0]!.outputs).toEqual(['s']);
    expect(ops(r.model)).toEqual(['Add']);
    const stored = [...r.model.graph!.initializer, ...r.model.graph!.node.flatMap((n) => constantTensor(n) ?? [])];
    const w = readFloat32(m.graph!.initializer[0]!);
    expect(Array.from(readFloat32(stored.find((t) => t.dims.length === 2)!))).toEqual(Array.from(w, (v) => Math.fround(Math.sin(v))));
    expect(r.changes).toContainEqual({ kind: 'node-folded', name: 'sin', opType: 'Sin' });
    expect(maxDiff(await runModel(runtime, m, x), await runModel(runtime, r.model, x))).toBeLessThan(1e-6);
  });

  it('works as before without a runner, and never folds a random operator', async () => {
    expect(ops((await simplify.apply(sinOfWeight(), {})).model)).toEqual(['Sin', 'Add']);
    const { runner, calls } = fakeSinRunner();
    const r = await simplify.apply(sinOfWeight(true), {}, { runConstants: runner });
    expect(ops(r.model).sort()).toEqual(['Add', 'RandomNormalLike']);
    expect(calls.flatMap((c) => c.model.graph!.node.map((n) => n.opType))).toEqual(['Sin']);
  });

  it('leaves the subgraph and says why when the runner fails, and computes nothing over the size guard', async () => {
    const failing: ConstantRunner = () => Promise.reject(new Error('no kernel for Sin'));
    const r = await simplify.apply(sinOfWeight(), {}, { runConstants: failing });
    expect(ops(r.model)).toEqual(['Sin', 'Add']);
    expect(r.warnings).toEqual(['The runtime could not compute 1 constant value(s) (s), so they are still computed at run time: no kernel for Sin']);
    const { runner, calls } = fakeSinRunner();
    // 8 float32 values are 32 bytes; a 16-byte guard keeps Sin, and the runner is not even asked.
    const small = await simplify.apply(sinOfWeight(), { maxFoldedMB: 16 / 2 ** 20 }, { runConstants: runner });
    expect(ops(small.model)).toEqual(['Sin', 'Add']);
    expect(calls).toHaveLength(0);
    // What the runner returns is measured again: 1024 values are over a 512-byte guard.
    const oversized: ConstantRunner = async (_, outputs) => Object.fromEntries(outputs.map((o) => [o, { dtype: 'float32' as const, dims: [1024], data: new Float32Array(1024) }]));
    expect(ops((await simplify.apply(sinOfWeight(), { maxFoldedMB: 512 / 2 ** 20 }, { runConstants: oversized })).model)).toEqual(['Sin', 'Add']);
  });

  it('runs each value alone when the runtime refuses the whole subgraph, so one operator it lacks keeps only its own nodes', async () => {
    const m = model(
      graph({
        name: 'g',
        inputs: [valueInfo('x', DT.FLOAT, [2, 4])],
        outputs: [valueInfo('y', DT.FLOAT, [2, 4])],
        initializers: [makeFloatTensor('w', [2, 4], randn(5, 8)), makeFloatTensor('v', [2, 4], randn(6, 8))],
        nodes: [
          node('Sin', ['w'], ['s'], {}, { name: 'sin' }),
          node('Cos', ['v'], ['c'], {}, { name: 'cos' }),
          node('Add', ['x', 's'], ['a'], {}, { name: 'add' }),
          node('Mul', ['a', 'c'], ['y'], {}, { name: 'mul' }),
        ],
      }),
    );
    const { runner, calls } = fakeSinRunner();
    const r = await simplify.apply(m, {}, { runConstants: runner });
    expect(ops(r.model)).toEqual(['Cos', 'Add', 'Mul']);
    // Together, then one by one; Cos is not tried again in the later rounds.
    expect(calls.map((c) => c.outputs)).toEqual([['s', 'c'], ['s'], ['c']]);
    expect(r.warnings).toEqual(['The runtime could not compute 1 constant value(s) (c), so they are still computed at run time: fake runner: no Cos']);
    expect(maxDiff(await runModel(runtime, m, x), await runModel(runtime, r.model, x))).toBeLessThan(1e-6);
  });

  it('folds the values within the guard and keeps every node a value over it still needs', async () => {
    const m = model(
      graph({
        name: 'g',
        inputs: [valueInfo('x', DT.FLOAT, [2, 4])],
        outputs: [valueInfo('y', DT.FLOAT, [2, 4]), valueInfo('z', DT.FLOAT, [2, 4])],
        // 16 bytes of w, 32 of v: a 24-byte guard takes Sin(w), not Sin(v).
        initializers: [makeFloatTensor('w', [1, 4], randn(5, 4)), makeFloatTensor('v', [2, 4], randn(6, 8))],
        nodes: [
          node('Sin', ['w'], ['s'], {}, { name: 'sin' }),
          node('Add', ['x', 's'], ['y'], {}, { name: 'add' }),
          node('Sin', ['v'], ['big'], {}, { name: 'sin_big' }),
          node('Sin', ['big'], ['big2'], {}, { name: 'sin_big2' }),
          node('Add', ['x', 's'], ['unused'], {}, { name: 'dead' }),
          node('Mul', ['big2', 'x2'], ['z'], {}, { name: 'mul' }),
          node('Identity', ['x'], ['x2'], {}, { name: 'id' }),
        ],
      }),
    );
    const { runner, calls } = fakeSinRunner();
    const r = await simplify.apply(m, { maxFoldedMB: 24 / 2 ** 20 }, { runConstants: runner });
    expect(ops(r.model).sort()).toEqual(['Add', 'Mul', 'Sin', 'Sin']);
    expect(calls.map((c) => c.outputs)).toEqual([['s']]);
    const feeds = seededFeeds({ x: { dtype: 'float32', dims: [2, 4] } });
    expect(maxDiff(await runModel(runtime, m, feeds), await runModel(runtime, r.model, feeds))).toBeLessThan(1e-6);
  });
});

describe('simplify with the onnxruntime-web ConstantRunner', () => {
  it('folds Sin, Cos, Erf, Softplus and a Conv over stored tensors; outputs equal the original in onnxruntime-web', async () => {
    const m = unevaluatedConstants();
    const bytes = encodeModel(m);
    const r = await simplify.apply(m, {}, { runConstants: ortRunner });
    expect(encodeModel(m)).toEqual(bytes);
    // The folded bias makes MatMul + Add a Gemm.
    expect(ops(r.model)).toEqual(['Gemm', 'MatMul']);
    expect(r.warnings).toEqual([]);
    const folded = r.changes.filter((c) => c.kind === 'node-folded').map((c) => c.opType);
    expect(folded).toEqual(expect.arrayContaining(['Sin', 'Cos', 'Erf', 'Softplus', 'Conv', 'Reshape']));
    const feeds = seededFeeds({ x: { dtype: 'float32', dims: [2, 8] } });
    expect(maxDiff(await runModel(runtime, m, feeds), await runModel(runtime, r.model, feeds))).toBeLessThan(1e-5);
    expect(ops((await simplify.apply(m, {})).model)).toContain('Conv');
  });

  it('folds inside If branches too, from stored tensors of the enclosing graph', async () => {
    const branch = (name: string, op: string, combine: string) =>
      graph({
        name,
        inputs: [],
        outputs: [valueInfo(`${name}_out`, DT.FLOAT, [2, 4])],
        nodes: [node(op, ['w'], [`${name}_t`], {}, { name: `${name}_${op}` }), node(combine, ['x', `${name}_t`], [`${name}_out`], {}, { name: `${name}_${combine}` })],
      });
    const m = model(
      graph({
        name: 'g',
        inputs: [valueInfo('x', DT.FLOAT, [2, 4]), valueInfo('flag', DT.BOOL, [])],
        outputs: [valueInfo('y', DT.FLOAT, [2, 4])],
        initializers: [makeFloatTensor('w', [2, 4], randn(9, 8))],
        nodes: [patch(node('If', ['flag'], ['y'], {}, { name: 'if' }), { attribute: [attr('then_branch', branch('then', 'Sin', 'Add')), attr('else_branch', branch('else', 'Cos', 'Sub'))] })],
      }),
    );
    const r = await simplify.apply(m, {}, { runConstants: ortRunner });
    const left = listNodes(r.model).map((n) => n.node.opType).filter((op) => op !== 'Constant');
    expect(left.sort()).toEqual(['Add', 'If', 'Sub']);
    for (const flag of [0, 1]) {
      const feeds: Feeds = { ...x, flag: { dtype: 'bool', dims: [], data: Uint8Array.of(flag) } };
      expect(maxDiff(await runModel(runtime, m, feeds), await runModel(runtime, r.model, feeds))).toBeLessThan(1e-6);
    }
  });

  it('does not undo a compression step: int8 weights keep their DequantizeLinear, float16 weights their Cast', async () => {
    for (const [name, step] of [
      ['int8-weight', int8Weight.apply(mlp(), { minElements: 1 })],
      ['fp16', fp16.apply(convBnRelu(), {})],
    ] as const) {
      const compressed = (await step).model;
      const r = await simplify.apply(compressed, {}, { runConstants: ortRunner });
      const count = (m: ModelIR, op: string) => listNodes(m).filter((n) => n.node.opType === op).length;
      for (const op of ['DequantizeLinear', 'Cast']) expect(count(r.model, op), `${name}: ${op}`).toBe(count(compressed, op));
      expect(encodeModel(r.model).byteLength, name).toBeLessThanOrEqual(encodeModel(compressed).byteLength);
    }
  });
});
