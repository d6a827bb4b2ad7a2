import type { EditSession } from '../../graph/edit-session';
import { attr, node } from '../../ir/build';
import { patch } from '../../ir/edit';
import { makeFloatTensor } from '../../ir/tensor';
import type { NodeProto, TensorProto } from '../../onnx/schema';
import { layerName, type LowRankLayer } from './candidates';
import type { RankFactors } from './factorize';

function transposed(values: Float32Array, rows: number, cols: number): Float32Array<ArrayBuffer> {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = values[i * cols + j]!;
  return out;
}

/** What replaces one layer: its two nodes and the two stored factors. */
export interface LayerRewrite {
  nodes: NodeProto[];
  tensors: TensorProto[];
}

/**
 * The two nodes computing x·a·b in the layer's own operator, keeping what it means:
 * MatMul -> MatMul, MatMul; Gemm -> MatMul (Gemm with transA) then a Gemm with the original
 * transB, alpha, beta and C; 1x1 Conv -> a Conv to `rank` channels with the original strides,
 * pads and dilations, then a 1x1 Conv with the bias. `fresh` hands out unused names.
 */
export function rewriteLayer(layer: LowRankLayer, f: RankFactors, fresh: (base: string) => string, opset: number): LayerRewrite {
  const { node: original, k, n } = layer;
  const r = f.rank;
  const name = layerName(original);
  const first = fresh(`${name}/low_rank_a`);
  const second = fresh(`${name}/low_rank_b`);
  const mid = fresh(`${original.output[0]}_low_rank`);
  const aName = fresh(`${layer.weight.name}_low_rank_a`);
  const bName = fresh(`${layer.weight.name}_low_rank_b`);
  const x = original.input[0]!;
  const out = original.output[0]!;
  switch (layer.form.op) {
    case 'MatMul':
      return {
        nodes: [node('MatMul', [x, aName], [mid], {}, { name: first }), node('MatMul', [mid, bName], [out], {}, { name: second })],
        tensors: [makeFloatTensor(aName, [k, r], f.a), makeFloatTensor(bName, [r, n], f.b)],
      };
    case 'Gemm': {
      const { transA, transB } = layer.form;
      const tensors = [makeFloatTensor(aName, [k, r], f.a), transB ? makeFloatTensor(bName, [n, r], transposed(f.b, r, n)) : makeFloatTensor(bName, [r, n], f.b)];
      let head: NodeProto;
      if (!transA) head = node('MatMul', [x, aName], [mid], {}, { name: first });
      else {
        // Before opset 11 Gemm's C is required: a zero scalar broadcasts.
        const inputs = [x, aName];
        if (opset < 11) {
          const zero = fresh(`${layer.weight.name}_low_rank_zero`);
          tensors.push(makeFloatTensor(zero, [1], new Float32Array(1)));
          inputs.push(zero);
        }
        head = node('Gemm', inputs, [mid], { transA: 1 }, { name: first });
      }
      const tail = patch(original, {
        name: second,
        input: [mid, bName, ...original.input.slice(2)],
        attribute: original.attribute.filter((a) => a.name !== 'transA'),
      });
      return { nodes: [head, tail], tensors };
    }
    case 'Conv': {
      const ones = new Array<number>(layer.form.spatial).fill(1);
      // a is K x r: the first Conv's filters are its columns ([r, K, 1..]); b is r x N: the second's are its columns ([N, r, 1..]).
      const tensors = [makeFloatTensor(aName, [r, k, ...ones], transposed(f.a, k, r)), makeFloatTensor(bName, [n, r, ...ones], transposed(f.b, r, n))];
      const head = patch(original, {
        name: first,
        input: [x, aName],
        output: [mid],
        attribute: original.attribute.filter((a) => a.name !== 'kernel_shape').concat(attr('kernel_shape', ones)),
      });
      const tail = patch(original, {
        name: second,
        input: [mid, bName, ...original.input.slice(2)],
        attribute: [attr('kernel_shape', ones)],
      });
      return { nodes: [head, tail], tensors };
    }
  }
}

/** Puts a layer's rewrite into the session: the two nodes in place of the original, the factors where its weight was stored (the weight goes). */
export function applyRewrite(session: EditSession, layer: LowRankLayer, rewrite: LayerRewrite): void {
  session.replaceNode(layer.node, rewrite.nodes);
  session.storeBeside(layer.weight, rewrite.tensors, { dropOriginal: true, constantNames: rewrite.tensors.map((t) => t.name) });
}
