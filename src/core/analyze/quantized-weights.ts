import { attrInt } from '../graph/attrs';
import type { ModelIR } from '../ir/model';
import { elementCount } from '../ir/tensor';
import { listNodes, listWeights } from '../ir/walk';
import { DT, isFloatDType } from '../ir/dtype';

/** Per standard op, the input that carries quantized weight data (scales and zero points are not weights). */
const DATA_INPUT: Record<string, number[]> = {
  DequantizeLinear: [0],
  MatMulInteger: [0, 1],
  ConvInteger: [0, 1],
  QLinearConv: [3],
  QLinearMatMul: [0, 3],
  DynamicQuantizeMatMul: [1],
};

const isStandard = (domain: string): boolean => domain === '' || domain === 'ai.onnx';

/**
 * The weights each stored integer tensor holds when it is the data of a quantized op: one per
 * element, except packed 4-bit data (MatMulNBits' N×K, GatherBlockQuantized's two per byte).
 * Integer tensors that only shape or index (a Reshape target) are not listed.
 */
export function quantizedWeightParams(model: ModelIR): Map<string, number> {
  const stored = new Map(listWeights(model).filter((w) => !isFloatDType(w.tensor.dataType)).map((w) => [w.name, w.tensor]));
  const out = new Map<string, number>();
  for (const { node } of listNodes(model)) {
    const op = node.opType;
    const ms = node.domain === 'com.microsoft';
    let inputs: number[] | undefined = isStandard(node.domain) || ms ? DATA_INPUT[op] : undefined;
    if (ms && op === 'MatMulNBits') inputs = [1];
    if (ms && op === 'GatherBlockQuantized') inputs = [0];
    for (const i of inputs ?? []) {
      const name = node.input[i];
      const t = name ? stored.get(name) : undefined;
      if (!t || out.has(name!)) continue;
      let count = elementCount(t);
      if (ms && op === 'MatMulNBits') {
        const n = attrInt(node, 'N');
        const k = attrInt(node, 'K');
        count = n && k ? n * k : count * (8 / (attrInt(node, 'bits') ?? 4));
      } else if (ms && op === 'GatherBlockQuantized') {
        // uint8 data packs 8/bits weights per byte; int4/uint4 tensors count their elements already.
        if (t.dataType === DT.UINT8) count *= 8 / (attrInt(node, 'bits') ?? 4);
      }
      out.set(name!, count);
    }
  }
  return out;
}
