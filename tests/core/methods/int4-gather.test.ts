import { describe, expect, it } from 'vitest';
import { int4 } from '../../../src/core/methods/int4';
import { graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import { makeFloatTensor, readFloat32 } from '../../../src/core/ir/tensor';
import type { ModelIR } from '../../../src/core/ir/model';
import type { Feeds } from '../../../src/core/evaluate/tensor-data';
import { createNodeRuntime } from '../../../src/runtime/node';
import { ops, randn, runModel, worstCosine } from './run-helpers';
import { layerErrors } from '../../../src/core/methods/changes';
import { storedBytes } from '../../../src/core/methods/stored-bytes';

const runtime = createNodeRuntime();
const VOCAB = 100;

/** ids -> Gather(table [VOCAB, hidden]) -> emb, and optionally -> MatMul -> y. */
function embedding(hidden: number, withHead: boolean): ModelIR {
  const inits = [makeFloatTensor('table', [VOCAB, hidden], randn(21, VOCAB * hidden, 0.5))];
  const nodes = [node('Gather', ['table', 'ids'], ['emb'], {}, { name: 'embed' })];
  const outputs = [valueInfo('emb', DT.FLOAT, [2, 5, hidden])];
  if (withHead) {
    inits.push(makeFloatTensor('head.w', [hidden, 16], randn(22, hidden * 16)));
    nodes.push(node('MatMul', ['emb', 'head.w'], ['y'], {}, { name: 'head' }));
    outputs.push(valueInfo('y', DT.FLOAT, [2, 5, 16]));
  }
  return model(graph({ inputs: [valueInfo('ids', DT.INT64, [2, 5])], outputs, initializers: inits, nodes }), { '': 17 });
}

const ids = [3, 0, 99, 42, 17, 42, 5, 64, 1, 98];
const feeds: Feeds = { ids: { dtype: 'int64', dims: [2, 5], data: BigInt64Array.from(ids, BigInt) } };

describe('int4 gather option: embeddings as com.microsoft GatherBlockQuantized (onnxruntime-web WASM)', () => {
  it('is off by default: Gather stays float', async () => {
    const out = await int4.apply(embedding(64, true), {} as never);
    expect(ops(out.model)).toEqual(['Gather', 'MatMulNBits']);
  });

  for (const { hidden, block, symmetric } of [
    { hidden: 64, block: 32, symmetric: true },
    { hidden: 64, block: 16, symmetric: false },
    { hidden: 48, block: 16, symmetric: false }, // three blocks: an odd count of packed zero points
    { hidden: 256, block: 128, symmetric: true },
  ]) {
    it(`hidden ${hidden}, block ${block}, symmetric=${symmetric}: every gathered row within half a step of the float row`, async () => {
      const m = embedding(hidden, false);
      const out = await int4.apply(m, { gather: true, block, symmetric } as never);
      expect(ops(out.model)).toEqual(['GatherBlockQuantized']);
      expect(out.tensors).toBe(1);
      expect(layerErrors(out.changes).map((l) => l.name)).toEqual(['table']);
      expect(out.model.graph!.initializer.map((t) => t.name)).not.toContain('table');
      expect(storedBytes(out.model)).toBeLessThan(storedBytes(m) * 0.2);
      const ref = (await runModel(runtime, m, feeds)).emb!.data as Float32Array;
      const got = (await runModel(runtime, out.model, feeds)).emb!.data as Float32Array;
      const table = readFloat32(m.graph!.initializer[0]!);
      // Half a step of each row's block. Asymmetric: the block's range over 15 levels. Symmetric (as
      // onnxruntime quantizes): the largest magnitude is code -8 exactly, so the other side clips past 7 steps.
      for (let r = 0; r < ids.length; r++) {
        for (let b = 0; b < hidden / block; b++) {
          const row = table.subarray(ids[r]! * hidden + b * block, ids[r]! * hidden + (b + 1) * block);
          const lo = Math.min(0, ...row);
          const hi = Math.max(0, ...row);
          const step = symmetric ? Math.max(-lo, hi) / 8 : (hi - lo) / 15;
          for (let i = 0; i < block; i++) {
            const at = r * hidden + b * block + i;
            const clipped = symmetric ? Math.abs(ref[at]!) - 7 * step : 0;
            expect(Math.abs(got[at]! - ref[at]!)).toBeLessThanOrEqual(Math.max(step / 2, clipped) + 1e-6);
          }
        }
      }
      const cos = worstCosine({ emb: { dtype: 'float32', dims: [ref.length], data: ref } }, { emb: { dtype: 'float32', dims: [got.length], data: got } });
      console.log(`GatherBlockQuantized hidden ${hidden} block ${block} symmetric=${symmetric}: cosine ${cos.toFixed(6)}`);
      expect(cos).toBeGreaterThanOrEqual(0.99);
    });
  }

  it('with a MatMul head: both in int4, the model runs close to the float one', async () => {
    const m = embedding(64, true);
    const out = await int4.apply(m, { gather: true } as never);
    expect(ops(out.model)).toEqual(['GatherBlockQuantized', 'MatMulNBits']);
    expect(out.tensors).toBe(2);
    expect(worstCosine(await runModel(runtime, m, feeds), await runModel(runtime, out.model, feeds))).toBeGreaterThanOrEqual(0.99);
  });

  it('keeps tables float with a warning when rows are not whole blocks, or a quantized MatMul reads the same table', async () => {
    const odd = await int4.apply(embedding(40, false), { gather: true, block: 16 } as never);
    expect(ops(odd.model)).toEqual(['Gather']);
    expect(odd.warnings.join(' ')).toMatch(/'table' \(Gather rows of 40 are not a whole number of blocks of 16\)/);
    const tied = model(
      graph({
        inputs: [valueInfo('ids', DT.INT64, [2, 5]), valueInfo('x', DT.FLOAT, [3, 64])],
        outputs: [valueInfo('emb', DT.FLOAT, [2, 5, 64]), valueInfo('y', DT.FLOAT, [3, 64])],
        initializers: [makeFloatTensor('table', [64, 64], randn(23, 64 * 64))],
        nodes: [node('Gather', ['table', 'ids'], ['emb'], {}, { name: 'embed' }), node('MatMul', ['x', 'table'], ['y'], {}, { name: 'tied' })],
      }),
    );
    const out = await int4.apply(tied, { gather: true } as never);
    expect(ops(out.model)).toEqual(['Gather', 'MatMulNBits']);
    expect(out.warnings.join(' ')).toMatch(/also read by a quantized MatMul\/Gemm/);
  });
});
