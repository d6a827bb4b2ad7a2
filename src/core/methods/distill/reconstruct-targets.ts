import { sharedModel, type ReadonlyModelIR } from '../../ir/model';
import { DT } from '../../ir/dtype';
import { isExternal, readFloat32, tensorDims } from '../../ir/tensor';
import type { NodeProto } from '../../onnx/schema';
import { attrFloat, attrInt } from '../../graph/attrs';
import { listStoredWeights, type StoredWeight } from '../../graph/weight-uses';
import { convGeometry, type ConvGeometry } from './conv-patches';
import { findQuantizedWeight, type QuantizedWeight } from './quantized-weight';
import { findNBitsWeight, type NBitsWeight } from './nbits-weight';

/**
 * One layer reconstruct refits: a main-graph MatMul, Gemm or 2-D Conv whose float weight a
 * previous step changed. The fit sees it as `groups` independent linear maps of `k` input
 * features (a Conv's C/groups x kh x kw window) to `n` outputs each.
 */
export interface RefitLayer {
  node: NodeProto;
  kind: 'linear' | 'conv';
  /** The student's value the layer reads (input 0) and the teacher's value to match (its output 0). */
  input: string;
  teacherOutput: string;
  /** The stored weight: float32 values, or the int8/uint8 codes of `quantized`. */
  weight: StoredWeight;
  /** Set when the weight comes through a DequantizeLinear: refitted in float, then requantized in this scheme. */
  quantized?: QuantizedWeight;
  /** Set for a 4-bit MatMulNBits (int4's form): refitted in float, then requantized in its block size and symmetry. */
  nbits?: NBitsWeight;
  bias: StoredWeight | undefined;
  /** A Conv without a bias gets one fitted (and a new bias input); a MatMul fits the constant of the Add after it as its bias when there is one (its teacherOutput is then that Add's), else none. */
  addBias: boolean;
  groups: number;
  k: number;
  n: number;
  /** Weight stored [N, K] (Gemm transB=1). */
  transposed: boolean;
  alpha: number;
  beta: number;
  conv?: ConvGeometry;
  /** The teacher's channel (feature) of each of the student's groups x n outputs, in order. */
  outputChannels: readonly number[];
  /** How many output channels (features) the teacher's layer has. */
  teacherChannels: number;
}

const key = (n: NodeProto): string => n.name || n.output[0] || '';

function floatStored(w: StoredWeight | undefined, node: NodeProto): w is StoredWeight {
  return !!w && w.tensor.dataType === DT.FLOAT && !isExternal(w.tensor) && !w.isGraphOutput && !w.isGraphInput && w.uses.every((u) => u.node === node);
}

function sameValues(a: StoredWeight | undefined, b: StoredWeight | undefined): boolean {
  if (!a || !b) return a === b;
  if (tensorDims(a.tensor).join() !== tensorDims(b.tensor).join()) return false;
  const x = readFloat32(a.tensor);
  const y = readFloat32(b.tensor);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/**
 * The teacher channel of each student output: the same ones when the counts agree, else the
 * channel map a pruning step left (MethodContext.channelMaps); a reason when neither fits.
 */
function outputMapping(node: NodeProto, count: number, teacherCount: number, maps: ReadonlyMap<string, readonly number[]> | undefined): readonly number[] | string {
  const mapped = maps?.get(key(node));
  if (mapped) {
    if (mapped.length !== count || mapped.some((c) => c < 0 || c >= teacherCount)) return `its channel map (${mapped.length} of ${teacherCount}) does not fit its ${count} outputs`;
    return mapped;
  }
  if (count === teacherCount) return Array.from({ length: count }, (_, i) => i);
  return `it has ${count} outputs against the teacher's ${teacherCount} and no pruning step said which were kept`;
}

interface Found {
  weight: StoredWeight;
  quantized: QuantizedWeight | undefined;
  tWeight: StoredWeight;
  bias: StoredWeight | undefined;
  tBias: StoredWeight | undefined;
  biasName: string;
  /** A MatMul's only reader when it is an Add of a constant (its bias, as exporters write a Linear), and the teacher's value after that Add. */
  trailing?: { bias: StoredWeight; teacherOutput: string } | undefined;
}

/**
 * The bias of a MatMul whose output only an Add reads, adding a float32 constant that only that
 * Add reads (an exported Linear layer), with the teacher's output of the same Add.
 */
function trailingAdd(
  node: NodeProto,
  graph: { node: readonly NodeProto[]; output: readonly { name: string }[] },
  readers: ReadonlyMap<string, NodeProto[]>,
  stored: ReadonlyMap<string, StoredWeight>,
  tNodes: ReadonlyMap<string, NodeProto>,
): Found['trailing'] {
  const out = node.output[0] ?? '';
  const reading = readers.get(out) ?? [];
  const add = reading[0];
  if (reading.length !== 1 || add?.opType !== 'Add' || add.input.length !== 2 || graph.output.some((o) => o.name === out)) return undefined;
  const other = add.input[0] === out ? add.input[1]! : add.input[0]!;
  const bias = stored.get(other);
  const t = tNodes.get(key(add));
  if (!bias || !floatStored(bias, add) || t?.opType !== 'Add' || !t.output[0]) return undefined;
  return { bias, teacherOutput: t.output[0] };
}

function linearLayer(node: NodeProto, t: NodeProto, f: Found, maps: ReadonlyMap<string, readonly number[]> | undefined): RefitLayer | string {
  const gemm = node.opType === 'Gemm';
  const dims = tensorDims(f.weight.tensor);
  const tDims = tensorDims(f.tWeight.tensor);
  if (dims.length !== 2 || tDims.length !== 2) return 'its weight is not 2-D';
  const transposed = gemm && (attrInt(node, 'transB') ?? 0) === 1;
  const tTransposed = t.opType === 'Gemm' && (attrInt(t, 'transB') ?? 0) === 1;
  const [k, n] = (transposed ? [dims[1], dims[0]] : dims) as [number, number];
  const teacherChannels = tTransposed ? tDims[0]! : tDims[1]!;
  if (!f.quantized && !floatStored(f.weight, node)) return 'its weight is not a float32 tensor only it reads';
  if (gemm && (attrInt(node, 'transA') ?? 0) === 1) return 'Gemm with transA';
  const dimsOf = f.trailing && tensorDims(f.trailing.bias.tensor);
  // The Add's constant is a bias when it is N values along the last axis.
  const trailing = dimsOf && dimsOf.at(-1) === n && dimsOf.every((d, i) => d === 1 || i === dimsOf.length - 1) ? f.trailing : undefined;
  if (f.biasName && (!floatStored(f.bias, node) || readFloat32(f.bias.tensor).length !== n)) return 'its bias is not a float32 tensor of N values only it reads';
  if (gemm && f.biasName && (attrFloat(node, 'beta') ?? 1) === 0) return 'Gemm with beta 0';
  if ((attrFloat(node, 'alpha') ?? 1) === 0) return 'Gemm with alpha 0';
  const outputChannels = outputMapping(node, n, teacherChannels, maps);
  if (typeof outputChannels === 'string') return outputChannels;
  return {
    node,
    kind: 'linear',
    input: node.input[0]!,
    teacherOutput: trailing?.teacherOutput ?? t.output[0]!,
    weight: f.weight,
    ...(f.quantized && { quantized: f.quantized }),
    bias: trailing?.bias ?? f.bias,
    addBias: false,
    groups: 1,
    k,
    n,
    transposed,
    alpha: gemm ? (attrFloat(node, 'alpha') ?? 1) : 1,
    beta: gemm ? (attrFloat(node, 'beta') ?? 1) : 1,
    outputChannels,
    teacherChannels,
  };
}

function convLayer(node: NodeProto, t: NodeProto, f: Found, maps: ReadonlyMap<string, readonly number[]> | undefined): RefitLayer | string {
  const dims = tensorDims(f.weight.tensor);
  const tDims = tensorDims(f.tWeight.tensor);
  const conv = convGeometry(node, dims);
  if (typeof conv === 'string') return conv;
  if (!f.quantized && !floatStored(f.weight, node)) return 'its weight is not a float32 tensor only it reads';
  const m = dims[0]!;
  if (m % conv.groups !== 0) return `its ${m} filters do not split into ${conv.groups} groups`;
  if (f.biasName && (!floatStored(f.bias, node) || readFloat32(f.bias.tensor).length !== m)) return 'its bias is not a float32 tensor of M values only it reads';
  const outputChannels = outputMapping(node, m, tDims[0]!, maps);
  if (typeof outputChannels === 'string') return outputChannels;
  return {
    node,
    kind: 'conv',
    input: node.input[0]!,
    teacherOutput: t.output[0]!,
    weight: f.weight,
    ...(f.quantized && { quantized: f.quantized }),
    bias: f.bias,
    addBias: !f.biasName,
    groups: conv.groups,
    k: dims[1]! * dims[2]! * dims[3]!,
    n: m / conv.groups,
    transposed: false,
    alpha: 1,
    beta: 1,
    conv,
    outputChannels,
    teacherChannels: tDims[0]!,
  };
}

/** A MatMulNBits matched to the teacher's MatMul (or Gemm without bias) of the same name; undefined when the teacher has none. */
function nbitsLayer(
  node: NodeProto,
  t: NodeProto | undefined,
  stored: ReadonlyMap<string, StoredWeight>,
  tStored: ReadonlyMap<string, StoredWeight>,
  maps: ReadonlyMap<string, readonly number[]> | undefined,
): RefitLayer | string | undefined {
  const tWeight = t && tStored.get(t.input[1] ?? '');
  if (!t || (t.opType !== 'MatMul' && t.opType !== 'Gemm') || !tWeight) return undefined;
  if (t.opType === 'Gemm' && t.input[2]) return "the teacher's Gemm adds a bias after the product this node computes";
  const q = findNBitsWeight(node, stored);
  if (typeof q === 'string') return q;
  const tDims = tensorDims(tWeight.tensor);
  const tTransposed = t.opType === 'Gemm' && (attrInt(t, 'transB') ?? 0) === 1;
  const teacherChannels = tTransposed ? tDims[0]! : tDims[1]!;
  const outputChannels = outputMapping(node, q.grid.n, teacherChannels, maps);
  if (typeof outputChannels === 'string') return outputChannels;
  return {
    node,
    kind: 'linear',
    input: node.input[0]!,
    teacherOutput: t.output[0]!,
    weight: q.packed,
    nbits: q,
    bias: undefined,
    addBias: false,
    groups: 1,
    k: q.grid.k,
    n: q.grid.n,
    transposed: false,
    alpha: 1,
    beta: 1,
    outputChannels,
    teacherChannels,
  };
}

/**
 * The layers to refit, in graph order: MatMul, Gemm (transA=0) and 2-D Conv of the main graph
 * reading a float32 weight (and bias) that only they read, or int8/uint8 codes through a
 * DequantizeLinear only they read, and 4-bit MatMulNBits (quantized layers are always refitted), matched to the teacher's node of the
 * same name (or first output) and op, and whose weight or bias differs from the teacher's, among
 * the nodes `changeable` lets through. A layer with fewer outputs than the teacher's (channel
 * pruning) is matched through `channelMaps`. `skipped` gets why other changed layers are left.
 * With `downstream`, a layer whose weights are the teacher's is refitted too when its input
 * depends (through the graph) on a changed layer's output: its input moved, so its old weights
 * no longer give the teacher's output.
 */
export function refitLayers(
  studentModel: ReadonlyModelIR,
  teacherModel: ReadonlyModelIR,
  changeable: (nodeName: string) => boolean,
  skipped: string[],
  channelMaps?: ReadonlyMap<string, readonly number[]>,
  downstream = false,
): RefitLayer[] {
  const student = sharedModel(studentModel);
  const teacher = sharedModel(teacherModel);
  const graph = student.graph;
  if (!graph) return [];
  const stored = new Map(listStoredWeights(student).filter((w) => w.graph === graph).map((w) => [w.name, w]));
  const tStored = new Map(listStoredWeights(teacher).filter((w) => w.graph === teacher.graph).map((w) => [w.name, w]));
  const tNodes = new Map((teacher.graph?.node ?? []).map((n) => [key(n), n]));
  const readers = new Map<string, NodeProto[]>();
  for (const n of graph.node) for (const i of n.input) if (i) readers.set(i, [...(readers.get(i) ?? []), n]);
  const out: RefitLayer[] = [];
  // Values that differ from the teacher's because a changed layer (or anything reading one) computes them.
  const moved = new Set<string>();
  const taint = (node: NodeProto): void => node.output.forEach((o) => o && moved.add(o));
  for (const node of graph.node) {
    const inputMoved = node.input.some((i) => moved.has(i));
    // A node the teacher does not have (a factor of a low-rank split, a DequantizeLinear) computes something new.
    if (inputMoved || tNodes.get(key(node))?.opType !== node.opType) taint(node);
    if (node.opType === 'MatMulNBits' && node.domain === 'com.microsoft' && changeable(node.name)) {
      const layer = nbitsLayer(node, tNodes.get(key(node)), stored, tStored, channelMaps);
      if (typeof layer === 'string') skipped.push(`${key(node)} (${layer})`);
      else if (layer) out.push(layer);
      taint(node);
      continue;
    }
    const conv = node.opType === 'Conv';
    if (node.opType !== 'MatMul' && node.opType !== 'Gemm' && !conv) continue;
    const t = tNodes.get(key(node));
    const tWeight = t && tStored.get(t.input[1] ?? '');
    if (!t || t.opType !== node.opType || !tWeight) continue;
    if (!changeable(node.name)) {
      // Left out of the refit, but a previous step may have changed it.
      if (!sameValues(stored.get(node.input[1] ?? ''), tWeight)) taint(node);
      continue;
    }
    let weight = stored.get(node.input[1] ?? '');
    let quantized: QuantizedWeight | undefined;
    if (!weight) {
      const q = findQuantizedWeight(graph, node.input[1] ?? '', node, stored);
      if (typeof q === 'string') skipped.push(`${key(node)} (${q})`);
      if (typeof q !== 'object') continue;
      quantized = q;
      weight = q.codes;
    }
    const biasName = node.opType === 'MatMul' ? '' : (node.input[2] ?? '');
    const bias = biasName ? stored.get(biasName) : undefined;
    const tBias = node.opType !== 'MatMul' && t.input[2] ? tStored.get(t.input[2]) : undefined;
    const unchanged = !quantized && sameValues(weight, tWeight) && sameValues(bias, tBias);
    if (unchanged && !(downstream && inputMoved)) continue;
    taint(node);
    const trailing = node.opType === 'MatMul' ? trailingAdd(node, graph, readers, stored, tNodes) : undefined;
    const found = { weight, quantized, tWeight, bias, tBias, biasName, trailing };
    const layer = conv ? convLayer(node, t, found, channelMaps) : linearLayer(node, t, found, channelMaps);
    if (typeof layer === 'string') skipped.push(`${key(node)} (${layer})`);
    else out.push(layer);
  }
  return out;
}
