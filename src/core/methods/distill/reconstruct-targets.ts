import { sharedModel, type ReadonlyModelIR } from '../../ir/model';
import { DT } from '../../ir/dtype';
import { isExternal, readFloat32, tensorDims } from '../../ir/tensor';
import type { NodeProto } from '../../onnx/schema';
import { attrFloat, attrInt } from '../../graph/attrs';
import { listStoredWeights, type StoredWeight } from '../../graph/weight-uses';

/** One layer reconstruct refits: a main-graph MatMul or Gemm whose float weight a previous step changed. */
export interface RefitLayer {
  node: NodeProto;
  /** The student's value the layer reads (input 0) and the teacher's value to match (its output 0). */
  input: string;
  teacherOutput: string;
  weight: StoredWeight;
  bias: StoredWeight | undefined;
  k: number;
  n: number;
  /** Weight stored [N, K] (Gemm transB=1). */
  transposed: boolean;
  alpha: number;
  beta: number;
}

const key = (n: NodeProto): string => n.name || n.output[0] || '';

function floatStored(w: StoredWeight | undefined, node: NodeProto): w is StoredWeight {
  return !!w && w.tensor.dataType === DT.FLOAT && !isExternal(w.tensor) && !w.isGraphOutput && !w.isGraphInput && w.uses.every((u) => u.node === node);
}

function sameValues(a: StoredWeight | undefined, b: StoredWeight | undefined): boolean {
  if (!a || !b) return a === b;
  const x = readFloat32(a.tensor);
  const y = readFloat32(b.tensor);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/**
 * The layers to refit, in graph order: MatMul and Gemm (transA=0) of the main graph reading a
 * 2-D float32 weight (and Gemm's bias) that only they read, matched to the teacher's node of
 * the same name (or first output) with the same weight shape, and whose weight or bias differs
 * from the teacher's, among the nodes `changeable` lets through. `skipped` gets why other changed layers are left.
 */
export function refitLayers(studentModel: ReadonlyModelIR, teacherModel: ReadonlyModelIR, changeable: (nodeName: string) => boolean, skipped: string[]): RefitLayer[] {
  const student = sharedModel(studentModel);
  const teacher = sharedModel(teacherModel);
  const graph = student.graph;
  if (!graph) return [];
  const stored = new Map(listStoredWeights(student).filter((w) => w.graph === graph).map((w) => [w.name, w]));
  const tStored = new Map(listStoredWeights(teacher).filter((w) => w.graph === teacher.graph).map((w) => [w.name, w]));
  const tNodes = new Map((teacher.graph?.node ?? []).map((n) => [key(n), n]));
  const out: RefitLayer[] = [];
  for (const node of graph.node) {
    if ((node.opType !== 'MatMul' && node.opType !== 'Gemm') || !changeable(node.name)) continue;
    const t = tNodes.get(key(node));
    const weight = stored.get(node.input[1] ?? '');
    const tWeight = t && tStored.get(t.input[1] ?? '');
    if (!t || t.opType !== node.opType || !weight || !tWeight) continue;
    const dims = tensorDims(weight.tensor);
    if (dims.length !== 2 || tensorDims(tWeight.tensor).join() !== dims.join()) {
      if (dims.length === 2) skipped.push(`${key(node)} (its weight's shape changed from the teacher's)`);
      continue;
    }
    const gemm = node.opType === 'Gemm';
    const biasName = gemm ? (node.input[2] ?? '') : '';
    const bias = biasName ? stored.get(biasName) : undefined;
    const tBias = gemm && t.input[2] ? tStored.get(t.input[2]) : undefined;
    if (sameValues(weight, tWeight) && sameValues(bias, tBias)) continue;
    const transposed = gemm && (attrInt(node, 'transB') ?? 0) === 1;
    const [k, n] = (transposed ? [dims[1], dims[0]] : dims) as [number, number];
    const why = !floatStored(weight, node)
      ? 'its weight is not a float32 tensor only it reads'
      : gemm && (attrInt(node, 'transA') ?? 0) === 1
        ? 'Gemm with transA'
        : biasName && (!floatStored(bias, node) || readFloat32(bias!.tensor).length !== n)
          ? 'its bias is not a float32 tensor of N values only it reads'
          : gemm && biasName && (attrFloat(node, 'beta') ?? 1) === 0
            ? 'Gemm with beta 0'
            : (attrFloat(node, 'alpha') ?? 1) === 0
              ? 'Gemm with alpha 0'
              : undefined;
    if (why) {
      skipped.push(`${key(node)} (${why})`);
      continue;
    }
    out.push({
      node,
      input: node.input[0]!,
      teacherOutput: t.output[0]!,
      weight,
      bias,
      k,
      n,
      transposed,
      alpha: gemm ? (attrFloat(node, 'alpha') ?? 1) : 1,
      beta: gemm ? (attrFloat(node, 'beta') ?? 1) : 1,
    });
  }
  return out;
}
