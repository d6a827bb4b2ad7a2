import { describe, expect, it } from 'vitest';
import { comparableTensors, exposeTensors, topologicalNodes } from '../../src/core/evaluate/intermediate-tensors';
import { synthesizeModelInputs } from '../../src/core/evaluate/inputs';
import { graph, node, valueInfo } from '../../src/core/ir/build';
import { DT } from '../../src/core/ir/dtype';
import { patch } from '../../src/core/ir/edit';
import type { ModelIR } from '../../src/core/ir/model';
import { makeFloatTensor, readFloat32, tensorDims } from '../../src/core/ir/tensor';
import { listNodes } from '../../src/core/ir/walk';
import { int8Weight } from '../../src/core/methods/int8-weight';
import { encodeModel } from '../../src/core/onnx/encode';
import { seededRandom } from '../../src/core/util/random';
import { createNodeRuntime } from '../../src/runtime/node';
import { localSqnrDb, perLayerErrors } from '../../src/runtime/per-layer';
import { convBnRelu, mlp, transformerBlock } from '../fixtures/models';

const runtime = createNodeRuntime();

/** The model with one initializer multiplied elementwise by (1 + amount * seeded noise). */
function damage(m: ModelIR, weight: string, amount: number): ModelIR {
  const g = m.graph!;
  const rnd = seededRandom(11);
  const initializer = g.initializer.map((t) =>
    t.name !== weight ? t : makeFloatTensor(weight, tensorDims(t), Float32Array.from(readFloat32(t), (v) => v * (1 + amount * rnd.normal()))),
  );
  return patch(m, { graph: patch(g, { initializer }) });
}

const worst = <T>(items: readonly T[], key: (t: T) => number): T => items.reduce((a, b) => (key(b) < key(a) ? b : a));

describe('comparableTensors and exposeTensors', () => {
  it('matches activations by name in execution order and skips weights and DequantizeLinear outputs', async () => {
    const ref = mlp();
    const cand = (await int8Weight.apply(ref, {} as never)).model;
    expect(listNodes(cand).some(({ node: n }) => n.opType === 'DequantizeLinear')).toBe(true);
    const tensors = comparableTensors(ref, cand);
    expect(tensors.map((t) => t.tensor)).toEqual(['h1', 'a1', 'm2', 'y']);
    expect(tensors[2]).toEqual({ tensor: 'm2', node: 'fc2', opType: 'MatMul', inputs: ['a1'] });
    expect(tensors[0]!.inputs).toEqual([]);
    // against itself the int8 model still offers only activations, not its dequantized weights
    expect(comparableTensors(cand, cand).map((t) => t.tensor)).toEqual(['h1', 'a1', 'm2', 'y']);
  });

  it('orders nodes stored out of order by their data flow', () => {
    const g = graph({
      inputs: [valueInfo('x', DT.FLOAT, [2])],
      outputs: [valueInfo('z', DT.FLOAT, [2])],
      nodes: [node('Neg', ['y'], ['z']), node('Relu', ['x'], ['y']), node('Abs', ['x'], ['w'])],
    });
    expect(topologicalNodes(g).map((n) => n.output[0])).toEqual(['y', 'z', 'w']);
  });

  it('adds graph outputs without touching the input model, and the runtime returns the intermediates', async () => {
    const m = mlp();
    const exposed = exposeTensors(m, ['h1', 'a1', 'y']);
    expect(m.graph!.output.map((o) => o.name)).toEqual(['y']);
    expect(exposed.graph!.output.map((o) => o.name)).toEqual(['y', 'h1', 'a1']);
    expect(exposeTensors(m, ['y'])).toBe(m);
    const session = await runtime.createSession(encodeModel(exposed));
    try {
      const [feeds] = synthesizeModelInputs(m, { seed: 2, count: 1, dims: { batch: 2 } });
      const out = await session.run(feeds!);
      const h1 = out.h1!.data as Float32Array;
      const a1 = out.a1!.data as Float32Array;
      expect(out.h1!.dims).toEqual([2, 128]);
      expect(Array.from(a1)).toEqual(Array.from(h1, (v) => Math.max(0, v)));
    } finally {
      await session.release();
    }
  });
});

describe('perLayerErrors', () => {
  it('ranks the deliberately damaged layer worst, leaving the layers before it exact', async () => {
    const ref = transformerBlock();
    const inputs = synthesizeModelInputs(ref, { seed: 1, count: 2, dims: { seq: 6 } });
    const layers = await perLayerErrors(runtime, ref, damage(ref, 'attn.v', 0.3), inputs);
    expect(layers.map((l) => l.tensor)).toEqual(['n1', 'q', 'k', 'v', 'kt', 'qk', 'qks', 'p', 'ctx', 'o', 'r1', 'n2', 'h', 'hb', 'ha', 'm', 'mb', 'y']);
    expect(worst(layers, (l) => l.sqnrDb).tensor).toBe('v');
    for (const name of ['n1', 'q', 'k', 'qk', 'p']) expect(layers.find((l) => l.tensor === name)!.sqnrDb).toBe(Infinity);
    expect(worst(layers, (l) => l.localSqnrDb).tensor).toBe('v');

    const conv = convBnRelu();
    const convLayers = await perLayerErrors(runtime, conv, damage(conv, 'conv1.w', 0.3), synthesizeModelInputs(conv, { seed: 1, count: 2 }));
    expect(worst(convLayers, (l) => l.sqnrDb).tensor).toBe('c1');
  });

  it('points at the damaged layer with localSqnrDb when the error grows downstream', async () => {
    // Damaging fc1 of the MLP leaves y with a lower SQNR than h1 (the error grows through fc2),
    // so the plain SQNR ranks y worst; the error each layer adds ranks h1 worst.
    const ref = mlp();
    const inputs = synthesizeModelInputs(ref, { seed: 1, count: 2, dims: { batch: 2 } });
    const layers = await perLayerErrors(runtime, ref, damage(ref, 'fc1.weight', 0.3), inputs);
    const by = Object.fromEntries(layers.map((l) => [l.tensor, l]));
    expect(by.y!.sqnrDb).toBeLessThan(by.h1!.sqnrDb);
    expect(worst(layers, (l) => l.localSqnrDb).tensor).toBe('h1');
    expect(by.h1!.localSqnrDb).toBe(by.h1!.sqnrDb);
  });

  it('gives finite, high SQNR per layer for int8 weights, and stops on abort', async () => {
    const ref = transformerBlock();
    const cand = (await int8Weight.apply(ref, {} as never)).model;
    const inputs = synthesizeModelInputs(ref, { seed: 1, count: 2, dims: { seq: 6 } });
    const layers = await perLayerErrors(runtime, ref, cand, inputs, { tensors: ['q', 'ctx', 'y'] });
    expect(layers.map((l) => l.tensor)).toEqual(['q', 'ctx', 'y']);
    for (const l of layers) {
      expect(l.sqnrDb).toBeGreaterThan(35);
      expect(l.sqnrDb).toBeLessThan(60);
      expect(l.cosine).toBeGreaterThan(0.999);
    }
    const ac = new AbortController();
    ac.abort();
    await expect(perLayerErrors(runtime, ref, cand, inputs, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('localSqnrDb', () => {
  it('subtracts the relative noise the inputs carried', () => {
    expect(localSqnrDb(20, [])).toBe(20);
    expect(localSqnrDb(20, [Infinity])).toBe(20);
    // 10^-1 - 10^-2 = 0.09 -> 10.457 dB
    expect(localSqnrDb(10, [20, 30])).toBeCloseTo(-10 * Math.log10(0.09), 10);
    expect(localSqnrDb(25, [20])).toBe(Infinity);
    expect(localSqnrDb(Infinity, [])).toBe(Infinity);
  });
});
