import { node } from '../../ir/build';
import { noCheckpoint, type Checkpoint } from '../../util/checkpoint';
import { DT } from '../../ir/dtype';
import type { ReadonlyModelIR } from '../../ir/model';
import { elementCount, isExternal, makeFloatTensor, makeRawTensor, readFloat32, tensorDims } from '../../ir/tensor';
import type { NodeProto, TensorProto } from '../../onnx/schema';
import { quantizeInt4 } from '../kernels/quantize-int4';
import type { LayerError } from '../types';
import { attrInt, isDefaultDomain } from '../../graph/attrs';
import type { StoredWeightSwap } from './matmul-nbits-rewrite';
import type { NodeMatcher } from '../../graph/node-patterns';
import { listStoredWeights } from '../../graph/weight-uses';

export interface GatherPlan {
  swaps: StoredWeightSwap[];
  replace: Map<NodeProto, NodeProto[]>;
  layers: LayerError[];
  skipped: string[];
  sampled: number;
}

/**
 * Embedding tables read by Gather (axis 0) as com.microsoft GatherBlockQuantized: the [V, H]
 * table stored as 4-bit codes (uint8, two per byte, low nibble first, bits=4) with a float32
 * scale per block of `block` values along H (and 4-bit zero points unless symmetric). Each row
 * is laid out as one MatMulNBits column would be, so the int4 kernel packs it. Tables already
 * taken (`taken`, e.g. tied with a MatMul) and rows not a whole number of blocks stay float.
 */
export function planGatherQuantized(
  model: ReadonlyModelIR,
  o: { block: number; symmetric: boolean; minElements: number },
  changeable: NodeMatcher,
  taken: ReadonlySet<string>,
  fresh: (base: string) => string,
  check: Checkpoint = noCheckpoint,
): GatherPlan {
  const plan: GatherPlan = { swaps: [], replace: new Map(), layers: [], skipped: [], sampled: 0 };
  for (const weight of listStoredWeights(model)) {
    const gathers = weight.uses.filter(
      (u) => u.inputIndex === 0 && u.node.opType === 'Gather' && isDefaultDomain(u.node) && changeable(u.node.name) && (attrInt(u.node, 'axis') ?? 0) === 0,
    );
    if (gathers.length === 0 || weight.tensor.dims.length !== 2 || elementCount(weight.tensor) < o.minElements) continue;
    const [rows, cols] = tensorDims(weight.tensor) as [number, number];
    if (weight.tensor.dataType !== DT.FLOAT || isExternal(weight.tensor)) plan.skipped.push(`'${weight.name}' (Gather table not loaded float32)`);
    else if (taken.has(weight.name)) plan.skipped.push(`'${weight.name}' (Gather table also read by a quantized MatMul/Gemm)`);
    else if (cols % o.block !== 0) plan.skipped.push(`'${weight.name}' (Gather rows of ${cols} are not a whole number of blocks of ${o.block})`);
    if (plan.skipped.at(-1)?.startsWith(`'${weight.name}'`)) continue;
    const q = quantizeInt4({ data: readFloat32(weight.tensor), k: cols, n: rows, transposed: true }, { blockSize: o.block, symmetric: o.symmetric, check });
    if (q.nonFinite) {
      plan.skipped.push(`'${weight.name}' (NaN or infinite values)`);
      continue;
    }
    const blocks = cols / o.block;
    const data = fresh(`${weight.name}_Q4`);
    const scales = fresh(`${weight.name}_scales`);
    const zeros = q.packedZeroPoints ? fresh(`${weight.name}_zero_points`) : undefined;
    const tensors: TensorProto[] = [makeRawTensor(data, DT.UINT8, [rows, cols / 2], q.packed), makeFloatTensor(scales, [rows, blocks], q.scales)];
    if (zeros) tensors.push(makeRawTensor(zeros, DT.UINT8, [rows, Math.ceil(blocks / 2)], q.packedZeroPoints!));
    for (const u of gathers) {
      const n = u.node;
      const attrs = { gather_axis: 0, quantize_axis: 1, block_size: o.block, bits: 4 };
      plan.replace.set(n, [node('GatherBlockQuantized', [data, n.input[1]!, scales, ...(zeros ? [zeros] : [])], [n.output[0]!], attrs, { name: n.name || fresh('GatherBlockQuantized'), domain: 'com.microsoft' })]);
    }
    const dropOriginal = !weight.isGraphOutput && !weight.isGraphInput && gathers.length === weight.uses.length;
    plan.swaps.push({ weight, dropOriginal, tensors, constantNames: tensors.map((t) => fresh(`${t.name}_const`)) });
    plan.layers.push({ name: weight.name, maxAbsError: q.maxAbsError, meanAbsError: q.meanAbsError, sqnrDb: q.sqnrDb });
    if (q.sampled) plan.sampled++;
  }
  return plan;
}
