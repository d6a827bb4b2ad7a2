import { attrInt, isDefaultDomain } from '../../graph/attrs';
import { GraphIndex } from '../../graph/graph-index';
import type { StoredWeight } from '../../graph/weight-uses';
import type { ReadonlyModelIR } from '../../ir/model';
import { readFloat32, tensorDims } from '../../ir/tensor';
import { TensorProto_DataType as DT, type GraphProto, type NodeProto } from '../../onnx/schema';

/** Which operator a layer is, with what its rewrite must keep. */
export type LayerForm =
  | { op: 'MatMul' }
  | { op: 'Gemm'; transA: boolean; transB: boolean }
  /** A 1x1 (all spatial dims 1) Conv with group 1; `spatial` is the number of spatial dims. */
  | { op: 'Conv'; spatial: number };

/** A layer whose weight may be factored: y = x·W with W as K inputs by N outputs. */
export interface LowRankLayer {
  node: NodeProto;
  graph: GraphProto;
  /** Whether the node is in the main graph (only those are measured on calibration samples). */
  inMain: boolean;
  weight: StoredWeight;
  form: LayerForm;
  k: number;
  n: number;
}

/** Why a MatMul/Gemm/Conv is no candidate at all (listed when nothing qualifies). */
export interface SkippedLayer {
  name: string;
  reason: string;
}

export const layerName = (n: NodeProto): string => n.name || n.output[0] || n.opType;

/** W as K x N float64, whatever the stored layout ([K,N], Gemm transB [N,K], Conv [N,K,1,..]). */
export function weightMatrix(layer: LowRankLayer): Float64Array {
  const stored = readFloat32(layer.weight.tensor);
  const { k, n } = layer;
  const w = new Float64Array(k * n);
  const byRows = layer.form.op === 'MatMul' || (layer.form.op === 'Gemm' && !layer.form.transB);
  if (byRows) w.set(stored);
  else for (let o = 0; o < n; o++) for (let i = 0; i < k; i++) w[i * n + o] = stored[o * k + i]!;
  return w;
}

function formOf(node: NodeProto, dims: readonly number[]): { form: LayerForm; k: number; n: number } | string {
  switch (node.opType) {
    case 'MatMul':
      if (dims.length !== 2) return `a ${dims.length}-D weight (factoring takes 2-D ones)`;
      return { form: { op: 'MatMul' }, k: dims[0]!, n: dims[1]! };
    case 'Gemm': {
      if (dims.length !== 2) return `a ${dims.length}-D weight`;
      const transB = (attrInt(node, 'transB') ?? 0) !== 0;
      const transA = (attrInt(node, 'transA') ?? 0) !== 0;
      return { form: { op: 'Gemm', transA, transB }, k: transB ? dims[1]! : dims[0]!, n: transB ? dims[0]! : dims[1]! };
    }
    default: {
      if (dims.length < 3) return `a ${dims.length}-D weight`;
      const kernel = dims.slice(2);
      if (kernel.some((d) => d !== 1)) return `a ${kernel.join('x')} kernel (only 1x1 Convs factor into two Convs)`;
      if ((attrInt(node, 'group') ?? 1) !== 1) return `group ${attrInt(node, 'group')}`;
      return { form: { op: 'Conv', spatial: kernel.length }, k: dims[1]!, n: dims[0]! };
    }
  }
}

/**
 * Every MatMul, Gemm and 1x1 Conv (every graph) whose weight (input 1) is a stored float32 tensor
 * read by that node alone, with the others and why they are not.
 */
export function lowRankLayers(model: ReadonlyModelIR, changeable: (name: string) => boolean): { layers: LowRankLayer[]; skipped: SkippedLayer[] } {
  const index = new GraphIndex(model);
  const main = index.scopes[0];
  const layers: LowRankLayer[] = [];
  const skipped: SkippedLayer[] = [];
  for (const scope of index.scopes) {
    for (const node of scope.graph.node) {
      if (!isDefaultDomain(node) || !['MatMul', 'Gemm', 'Conv'].includes(node.opType)) continue;
      const name = layerName(node);
      const skip = (reason: string): void => void skipped.push({ name, reason });
      if (!changeable(name)) {
        skip('excluded');
        continue;
      }
      const weight = node.input[1] ? index.stored(node.input[1], scope) : undefined;
      if (!weight) continue; // both inputs computed (attention scores): not a layer with a weight
      if (node.input[0] && index.stored(node.input[0], scope)) {
        skip('both inputs stored (a constant product)');
        continue;
      }
      if (weight.tensor.dataType !== DT.FLOAT) {
        skip('its weight is not float32');
        continue;
      }
      if (weight.uses.length !== 1 || weight.isGraphOutput || weight.isGraphInput) {
        skip(`its weight '${weight.name}' is also read elsewhere`);
        continue;
      }
      const shaped = formOf(node, tensorDims(weight.tensor));
      if (typeof shaped === 'string') {
        skip(shaped);
        continue;
      }
      layers.push({ node, graph: scope.graph, inMain: scope === main, weight, ...shaped });
    }
  }
  return { layers, skipped };
}
