import { describe, expect, it } from 'vitest';
import { graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import { patch } from '../../../src/core/ir/edit';
import { makeFloatTensor, makeInt64Tensor, makeRawTensor } from '../../../src/core/ir/tensor';
import type { ModelIR } from '../../../src/core/ir/model';
import type { Feeds } from '../../../src/core/evaluate/tensor-data';
import { encodeModel } from '../../../src/core/onnx/encode';
import { simplify } from '../../../src/core/methods/simplify';
import { createNodeRuntime } from '../../../src/runtime/node';
import { constantsInIf, convBnRelu, mlp } from '../../fixtures/models';
import { ops, randn, runModel, seededFeeds } from './run-helpers';

const runtime = createNodeRuntime();

function maxDiff(a: Feeds, b: Feeds): number {
  let d = 0;
  for (const [k, t] of Object.entries(a)) {
    const x = t.data as Float32Array;
    const y = b[k]!.data as Float32Array;
    expect(b[k]!.dims).toEqual(t.dims);
    for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i]! - y[i]!));
  }
  return d;
}

/** Simplifies, checks the input is untouched and that onnxruntime-web gives the same outputs; returns the result. */
async function simplifiedSame(m: ModelIR, feeds: Feeds, options: Record<string, unknown> = {}) {
  const bytes = encodeModel(m);
  const outcome = await simplify.apply(m, options);
  expect(encodeModel(m)).toEqual(bytes);
  const kept = Object.fromEntries(Object.entries(feeds).filter(([k]) => outcome.model.graph!.input.some((v) => v.name === k)));
  expect(maxDiff(await runModel(runtime, m, feeds), await runModel(runtime, outcome.model, kept))).toBeLessThan(1e-5);
  return outcome;
}

const x4 = seededFeeds({ x: { dtype: 'float32', dims: [2, 4] } });

describe('simplify, one rewrite at a time', () => {
  it('removes Identity and inference Dropout, also where the Identity writes a graph output', async () => {
    const m = model(
      graph({
        name: 'g',
        inputs: [valueInfo('x', DT.FLOAT, [2, 4])],
        outputs: [valueInfo('y', DT.FLOAT, [2, 4])],
        nodes: [
          node('Identity', ['x'], ['a'], {}, { name: 'id1' }),
          node('Relu', ['a'], ['b'], {}, { name: 'relu' }),
          node('Dropout', ['b'], ['c'], {}, { name: 'drop' }),
          node('Sigmoid', ['c'], ['d'], {}, { name: 'sig' }),
          node('Identity', ['d'], ['y'], {}, { name: 'id2' }),
        ],
      }),
    );
    const r = await simplifiedSame(m, x4);
    expect(ops(r.model)).toEqual(['Relu', 'Sigmoid']);
    expect(r.model.graph!.output.map((o) => o.name)).toEqual(['y']);
    expect(r.changes.filter((c) => c.kind === 'node-removed').map((c) => c.name).sort()).toEqual(['drop', 'id1', 'id2']);
    const kept = await simplifiedSame(m, x4, { excludeNodes: ['id*'] });
    expect(ops(kept.model)).toEqual(['Identity', 'Relu', 'Sigmoid', 'Identity']);
  });

  it('folds a shape chain on a static input into one constant and leaves it on a dynamic one', async () => {
    const chain = (dims: (number | string)[]) =>
      model(
        graph({
          name: 'g',
          inputs: [valueInfo('x', DT.FLOAT, dims)],
          outputs: [valueInfo('y', DT.FLOAT, [8])],
          initializers: [makeInt64Tensor('zero', [1], [0]), makeInt64Tensor('one', [1], [1])],
          nodes: [
            node('Shape', ['x'], ['s'], {}, { name: 'shape' }),
            node('Gather', ['s', 'zero'], ['d0'], { axis: 0 }, { name: 'g0' }),
            node('Gather', ['s', 'one'], ['d1'], { axis: 0 }, { name: 'g1' }),
            node('Mul', ['d0', 'd1'], ['n'], {}, { name: 'mul' }),
            node('Reshape', ['x', 'n'], ['y'], {}, { name: 'reshape' }),
          ],
        }),
      );
    const r = await simplifiedSame(chain([2, 4]), x4);
    expect(ops(r.model)).toEqual(['Reshape']);
    expect(r.changes.filter((c) => c.kind === 'node-folded').map((c) => c.opType).sort()).toEqual(['Gather', 'Gather', 'Mul', 'Shape']);
    const dynamic = await simplifiedSame(chain(['batch', 4]), x4);
    expect(ops(dynamic.model)).toEqual(['Shape', 'Gather', 'Gather', 'Mul', 'Reshape']);
  });

  it('turns a Reshape target built from its input\'s own dynamic dims into 0 (keep) entries', async () => {
    const m = (sliceEnd: number, swap = false) =>
      model(
        graph({
          name: 'g',
          inputs: [valueInfo('x', DT.FLOAT, ['batch', 2, 3])],
          outputs: [valueInfo('y', DT.FLOAT, undefined)],
          initializers: [makeInt64Tensor('s0', [1], [0]), makeInt64Tensor('s1', [1], [sliceEnd]), makeInt64Tensor('rest', [1], [6 / (sliceEnd === 1 ? 1 : 2)])],
          nodes: [
            node('Shape', ['x'], ['s'], {}, { name: 'shape' }),
            node('Slice', ['s', 's0', 's1'], ['lead'], {}, { name: 'slice' }),
            node('Concat', swap ? ['rest', 'lead'] : ['lead', 'rest'], ['target'], { axis: 0 }, { name: 'concat' }),
            node('Reshape', ['x', 'target'], ['y'], {}, { name: 'reshape' }),
          ],
        }),
      );
    const feeds = seededFeeds({ x: { dtype: 'float32', dims: [3, 2, 3] } });
    expect(ops((await simplifiedSame(m(1), feeds)).model)).toEqual(['Reshape']);
    expect(ops((await simplifiedSame(m(2), feeds)).model)).toEqual(['Reshape']);
    // The batch dim lands at position 1 of the target there, where 0 would copy the wrong dim.
    expect(ops((await simplifiedSame(m(1, true), feeds)).model)).toEqual(['Shape', 'Slice', 'Concat', 'Reshape']);
  });

  it('keeps a folded value over maxFoldedMB as the nodes that compute it', async () => {
    const m = model(
      graph({
        name: 'g',
        inputs: [valueInfo('x', DT.FLOAT, [1, 4])],
        outputs: [valueInfo('y', DT.FLOAT, [256, 4])],
        initializers: [makeInt64Tensor('shape', [2], [256, 4]), makeFloatTensor('w', [1, 4], randn(3, 4))],
        nodes: [node('Expand', ['w', 'shape'], ['big'], {}, { name: 'expand' }), node('Add', ['x', 'big'], ['y'], {}, { name: 'add' })],
      }),
    );
    const feeds = seededFeeds({ x: { dtype: 'float32', dims: [1, 4] } });
    // 256 x 4 float32 values are 4 KiB: folded under the default guard, kept under a 1 KiB one.
    expect(ops((await simplifiedSame(m, feeds)).model)).toEqual(['Add']);
    expect(ops((await simplifiedSame(m, feeds, { maxFoldedMB: 1 / 1024 })).model)).toEqual(['Expand', 'Add']);
    const filled = model(
      graph({
        name: 'g',
        inputs: [valueInfo('x', DT.FLOAT, [1, 4])],
        outputs: [valueInfo('y', DT.FLOAT, [1024, 4])],
        initializers: [makeInt64Tensor('shape', [2], [1024, 4])],
        nodes: [node('ConstantOfShape', ['shape'], ['big'], { value: makeFloatTensor('v', [1], Float32Array.of(0.5)) }, { name: 'fill' }), node('Add', ['x', 'big'], ['y'], {}, { name: 'add' })],
      }),
    );
    expect(ops((await simplifiedSame(filled, feeds)).model)).toEqual(['Add']);
    expect(ops((await simplifiedSame(filled, feeds, { maxFoldedMB: 0.01 })).model)).toEqual(['ConstantOfShape', 'Add']);
  });

  it('merges duplicate nodes and duplicate stored tensors', async () => {
    const w = randn(5, 4);
    const m = model(
      graph({
        name: 'g',
        inputs: [valueInfo('x', DT.FLOAT, [2, 4])],
        outputs: [valueInfo('y', DT.FLOAT, [2, 4])],
        initializers: [makeFloatTensor('w1', [4], w), makeFloatTensor('w2', [4], Float32Array.from(w))],
        nodes: [
          node('Mul', ['x', 'w1'], ['a'], {}, { name: 'mul1' }),
          node('Mul', ['x', 'w2'], ['b'], {}, { name: 'mul2' }),
          node('Relu', ['a'], ['ra'], {}, { name: 'relu1' }),
          node('Relu', ['b'], ['rb'], {}, { name: 'relu2' }),
          node('Add', ['ra', 'rb'], ['y'], {}, { name: 'add' }),
        ],
      }),
    );
    const r = await simplifiedSame(m, x4);
    expect(ops(r.model)).toEqual(['Mul', 'Relu', 'Add']);
    expect(r.model.graph!.initializer.map((t) => t.name)).toEqual(['w1']);
  });

  it('folds BatchNormalization into the Conv before it', async () => {
    const r = await simplifiedSame(convBnRelu(), seededFeeds({ image: { dtype: 'float32', dims: [1, 3, 16, 16] } }));
    expect(ops(r.model)).toEqual(['Conv', 'Relu', 'Conv']);
    expect(r.changes).toContainEqual({ kind: 'node-folded', name: 'bn', opType: 'BatchNormalization', into: 'conv1' });
  });

  it('folds BatchNormalization into a Gemm (transB) and a grouped ConvTranspose', async () => {
    const bn = (p: string, n: number) => [
      makeFloatTensor(`${p}.s`, [n], Float32Array.from(randn(11, n), (v) => 1 + v)),
      makeFloatTensor(`${p}.b`, [n], randn(12, n)),
      makeFloatTensor(`${p}.m`, [n], randn(13, n)),
      makeFloatTensor(`${p}.v`, [n], Float32Array.from(randn(14, n), (v) => 1 + Math.abs(v))),
    ];
    const bnNode = (p: string, i: string, o: string) => node('BatchNormalization', [i, `${p}.s`, `${p}.b`, `${p}.m`, `${p}.v`], [o], {}, { name: p });
    const gemm = model(
      graph({
        name: 'g',
        inputs: [valueInfo('x', DT.FLOAT, [2, 4])],
        outputs: [valueInfo('y', DT.FLOAT, [2, 6])],
        initializers: [makeFloatTensor('w', [6, 4], randn(1, 24)), makeFloatTensor('c', [6], randn(2, 6)), ...bn('bn', 6)],
        nodes: [node('Gemm', ['x', 'w', 'c'], ['h'], { transB: 1, beta: { float: 0.5 }, alpha: { float: 2 } }, { name: 'fc' }), bnNode('bn', 'h', 'y')],
      }),
    );
    expect(ops((await simplifiedSame(gemm, x4)).model)).toEqual(['Gemm']);
    const deconv = model(
      graph({
        name: 'g',
        inputs: [valueInfo('x', DT.FLOAT, [1, 4, 5, 5])],
        outputs: [valueInfo('y', DT.FLOAT, [1, 6, 10, 10])],
        initializers: [makeFloatTensor('w', [4, 3, 2, 2], randn(3, 48)), ...bn('bn', 6)],
        nodes: [node('ConvTranspose', ['x', 'w'], ['h'], { group: 2, strides: [2, 2], kernel_shape: [2, 2] }, { name: 'up' }), bnNode('bn', 'h', 'y')],
      }),
    );
    expect(ops((await simplifiedSame(deconv, seededFeeds({ x: { dtype: 'float32', dims: [1, 4, 5, 5] } }))).model)).toEqual(['ConvTranspose']);
  });

  it('folds a per-channel or scalar Add, Sub, Mul or Div after a Conv into it, and leaves one of another shape', async () => {
    const conv = (biasDims: number[], op = 'Add', convFirst = false) =>
      model(
        graph({
          name: 'g',
          inputs: [valueInfo('x', DT.FLOAT, [1, 2, 4, 4])],
          outputs: [valueInfo('y', DT.FLOAT, [1, 3, 4, 4])],
          initializers: [makeFloatTensor('w', [3, 2, 1, 1], randn(1, 6)), makeFloatTensor('b', [3], randn(2, 3)), makeFloatTensor('add', biasDims, randn(3, biasDims.reduce((a, d) => a * d, 1)))],
          nodes: [node('Conv', ['x', 'w', 'b'], ['c'], {}, { name: 'conv' }), node(op, convFirst ? ['c', 'add'] : ['add', 'c'], ['y'], {}, { name: 'add' })],
        }),
      );
    const feeds = seededFeeds({ x: { dtype: 'float32', dims: [1, 2, 4, 4] } });
    expect(ops((await simplifiedSame(conv([1, 3, 1, 1], 'Mul'), feeds)).model)).toEqual(['Conv']);
    expect(ops((await simplifiedSame(conv([], 'Div', true), feeds)).model)).toEqual(['Conv']);
    expect(ops((await simplifiedSame(conv([3, 1, 1], 'Sub', true), feeds)).model)).toEqual(['Conv']);
    expect(ops((await simplifiedSame(conv([3, 1, 1], 'Sub'), feeds)).model)).toEqual(['Conv', 'Sub']);
    expect(ops((await simplifiedSame(conv([1, 3, 1, 1]), feeds)).model)).toEqual(['Conv']);
    expect(ops((await simplifiedSame(conv([3, 1, 1]), feeds)).model)).toEqual(['Conv']);
    expect(ops((await simplifiedSame(conv([1, 1, 1, 4]), feeds)).model)).toEqual(['Conv', 'Add']);
  });

  it('makes a 2-D MatMul and its bias Add one Gemm, and leaves a 3-D one', async () => {
    const r = await simplifiedSame(mlp(), seededFeeds({ x: { dtype: 'float32', dims: [3, 64] } }));
    expect(ops(r.model)).toEqual(['Gemm', 'Relu', 'Gemm']);
    const m3 = model(
      graph({
        name: 'g',
        inputs: [valueInfo('x', DT.FLOAT, [1, 2, 4])],
        outputs: [valueInfo('y', DT.FLOAT, [1, 2, 3])],
        initializers: [makeFloatTensor('w', [4, 3], randn(1, 12)), makeFloatTensor('b', [3], randn(2, 3))],
        nodes: [node('MatMul', ['x', 'w'], ['m'], {}, { name: 'mm' }), node('Add', ['m', 'b'], ['y'], {}, { name: 'add' })],
      }),
    );
    expect(ops((await simplifiedSame(m3, seededFeeds({ x: { dtype: 'float32', dims: [1, 2, 4] } }))).model)).toEqual(['MatMul', 'Add']);
  });

  it('replaces an If with a constant condition by its branch, and simplifies inside branches otherwise', async () => {
    const base = constantsInIf();
    const g = base.graph!;
    const fixed = patch(base, {
      graph: patch(g, { input: g.input.filter((v) => v.name !== 'flag'), initializer: [makeRawTensor('flag', DT.BOOL, [], Uint8Array.of(0))] }),
    });
    const feeds = seededFeeds({ x: { dtype: 'float32', dims: [1, 16] } });
    const r = await simplifiedSame(fixed, feeds);
    expect(ops(r.model)).toEqual(['MatMul']);
    expect(r.changes).toContainEqual({ kind: 'node-folded', name: 'branch', opType: 'If', into: 'else_branch' });
    // With the flag an input, the If stays and its branches' Constant nodes become branch initializers.
    const kept = await simplifiedSame(base, { ...feeds, flag: { dtype: 'bool', dims: [], data: Uint8Array.of(1) } });
    expect(ops(kept.model)).toEqual(['If', 'MatMul', 'MatMul']);
  });

  it('drops graph inputs nothing reads unless told not to', async () => {
    const m = model(
      graph({
        name: 'g',
        inputs: [valueInfo('x', DT.FLOAT, [2, 4]), valueInfo('unused', DT.FLOAT, [1])],
        outputs: [valueInfo('y', DT.FLOAT, [2, 4])],
        nodes: [node('Relu', ['x'], ['y'], {}, { name: 'relu' })],
      }),
    );
    expect((await simplify.apply(m, {})).model.graph!.input.map((v) => v.name)).toEqual(['x']);
    expect((await simplify.apply(m, { removeUnusedInputs: false })).model.graph!.input.map((v) => v.name)).toEqual(['x', 'unused']);
  });

  it('stops when the signal is aborted', async () => {
    const c = new AbortController();
    c.abort();
    await expect(simplify.apply(mlp(), {}, { signal: c.signal })).rejects.toThrow();
  });
});

