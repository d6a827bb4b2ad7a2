import { keptFloatWarning, selectWeights, type WeightScope } from './quantize/weight-selection';
import { changeableNodes } from '../graph/node-patterns';
import { planGatherQuantized } from './quantize/gather-quantized';
import { node, type AttrValue } from '../ir/build';
import { DT } from '../ir/dtype';
import type { ReadonlyModelIR } from '../ir/model';
import { isExternal, makeFloatTensor, makeRawTensor, readFloat32, tensorDims } from '../ir/tensor';
import { listGraphs } from '../ir/walk';
import type { NodeProto, TensorProto, ValueInfoProto } from '../onnx/schema';
import { yieldToLoop } from '../util/abort';
import { checkpointFor } from '../util/checkpoint';
import { RecipeError } from '../util/errors';
import { attrFloat, attrInt } from '../graph/attrs';
import { applyWeightSwaps, withDomainImport, type StoredWeightSwap } from './quantize/matmul-nbits-rewrite';
import { nameAllocator } from '../graph/names';
import { defaultOpset } from '../graph/opset';
import { onlyReadBy, keptFloatCopyWarning, listStoredWeights, type StoredWeight, type ValueUse } from '../graph/weight-uses';
import { transposeNode } from './quantize/dynamic-patterns';
import { EXACT_STATS_LIMIT } from './kernels/quantize-int8';
import { quantizeInt4, type Int4Quantized } from './kernels/quantize-int4';
import { resolveOptions } from './resolve-options';
import { unchangedOutcome } from './unchanged';
import type { LayerError, MethodContext, MethodModule, MethodOutcome } from './types';
import { INT4_BLOCK_SIZES, int4Declaration, INT4_OPTIONS, type Int4Options } from './declarations/int4';
import { weightErrors } from './changes';
import { quantizeInt4Gptq, weightHessians } from './distill/gptq-int4-plan';

const MS_DOMAIN = 'com.microsoft';
const YIELD_EVERY_MS = 30;

/** How one consumer reads the weight: as K x N ('kn': MatMul, Gemm transB=0) or N x K ('nk': Gemm transB=1). */
type Orientation = 'kn' | 'nk';

interface Target {
  use: ValueUse;
  orientation: Orientation;
  /** Gemm's alpha, folded into the scales. */
  alpha: number;
  /** Gemm with transA=1: a Transpose goes in front of A. */
  transA: boolean;
  /** Gemm's beta: a constant bias is stored scaled by it, another gets a Mul. */
  beta: number;
}

interface Candidate {
  weight: StoredWeight;
  targets: Target[];
}

/** Declared ranks of every value the model describes (inputs, outputs, value_info), all graphs. */
function declaredRanks(model: ReadonlyModelIR): Map<string, number> {
  const ranks = new Map<string, number>();
  const note = (v: ValueInfoProto): void => {
    const t = v.type?.value;
    if (t?.case === 'tensorType' && t.value.shape) ranks.set(v.name, t.value.shape.dim.length);
  };
  for (const { graph } of listGraphs(model)) {
    graph.input.forEach(note);
    graph.output.forEach(note);
    graph.valueInfo.forEach(note);
  }
  return ranks;
}

/** Why a consumer cannot become MatMulNBits, or its orientation and alpha. */
function classify(use: ValueUse, ranks: Map<string, number>, opset: number | undefined): Target | string {
  const n = use.node;
  const aRank = ranks.get(n.input[0] ?? '');
  if (aRank !== undefined && aRank < 2) return `its input '${n.input[0]}' has rank ${aRank}`;
  if (n.opType === 'MatMul') return { use, orientation: 'kn', alpha: 1, transA: false, beta: 1 };
  const hasBias = (n.input[2] ?? '') !== '';
  if (hasBias && opset !== undefined && opset < 7) return `bias Add needs broadcasting (opset 7); the model has opset ${opset}`;
  return {
    use,
    orientation: (attrInt(n, 'transB') ?? 0) !== 0 ? 'nk' : 'kn',
    alpha: attrFloat(n, 'alpha') ?? 1,
    transA: (attrInt(n, 'transA') ?? 0) !== 0,
    beta: hasBias ? (attrFloat(n, 'beta') ?? 1) : 1,
  };
}

function findCandidates(model: ReadonlyModelIR, o: Int4Options & WeightScope, warnings: string[]): Candidate[] {
  const ranks = declaredRanks(model);
  const opset = defaultOpset(model);
  const out: Candidate[] = [];
  const skipped: string[] = [];
  // MatMulNBits takes 2-D weights only; others are not candidates at all.
  for (const { weight, readers } of selectWeights(model, o, skipped, (w) => w.tensor.dims.length === 2)) {
    const targets: Target[] = [];
    for (const use of readers) {
      const t = classify(use, ranks, opset);
      if (typeof t === 'string') skipped.push(`'${weight.name}' at ${use.node.opType} '${use.node.name}' (${t})`);
      else targets.push(t);
    }
    if (targets.length > 0) out.push({ weight, targets });
  }
  const kept = keptFloatWarning(skipped, 'weight use(s)');
  if (kept) warnings.push(kept);
  return out;
}

/** The tensors of one quantized orientation of a weight, with scales per Gemm alpha. */
interface Stored {
  q: Int4Quantized;
  packedName: string;
  zeroName: string | undefined;
  scales: Map<number, string>;
  tensors: TensorProto[];
}

function checkBlock(block: number): void {
  if (!(INT4_BLOCK_SIZES as readonly number[]).includes(block)) {
    throw new RecipeError(`Method 'int4': option 'block' expects one of ${INT4_BLOCK_SIZES.join(', ')}; found ${block}.`);
  }
}

async function quantizeModel(model: ReadonlyModelIR, o: Int4Options, ctx: MethodContext): Promise<MethodOutcome> {
  const { onProgress } = ctx;
  const check = checkpointFor(ctx);
  checkBlock(o.block);
  check();
  onProgress?.({ kind: 'phase', phase: 'int4: planning' });
  const warnings: string[] = [];
  const candidates = findCandidates(model, { ...o, scope: ctx.nodeScope }, warnings);
  const fresh = nameAllocator(model);
  const swaps: StoredWeightSwap[] = [];
  const replace = new Map<NodeProto, NodeProto[]>();
  const layers: LayerError[] = [];
  const overridable: string[] = [];
  const biases = new BiasFolding(model);
  let sampled = 0;
  const gptq = o.algorithm === 'gptq' ? await planGptq(model, candidates, ctx, warnings) : undefined;
  let lastYield = performance.now();

  for (let i = 0; i < candidates.length; i++) {
    check();
    const { weight, targets } = candidates[i]!;
    onProgress?.({ kind: 'step', phase: 'int4: quantizing', index: i, total: candidates.length, item: weight.name });
    const [rows, cols] = tensorDims(weight.tensor) as [number, number];
    const data = readFloat32(weight.tensor, check);
    const stored = new Map<Orientation, Stored>();
    const tensors: TensorProto[] = [];
    let nonFinite = false;
    const mixed = new Set(targets.map((t) => t.orientation)).size > 1;
    for (const t of targets) {
      let s = stored.get(t.orientation);
      if (!s) {
        const transposed = t.orientation === 'nk';
        const matrix = { data, k: transposed ? cols : rows, n: transposed ? rows : cols, transposed };
        const hessian = gptq?.get(weight.name);
        let q = hessian ? quantizeInt4Gptq(matrix, o.block, o.symmetric, hessian, { damp: o.damp, batch: o.blockSize, actOrder: o.actOrder, check }) : undefined;
        if (typeof q === 'string') {
          warnings.push(`Rounded '${weight.name}' to nearest instead of GPTQ: ${q}.`);
          q = undefined;
        }
        q ??= quantizeInt4(matrix, { blockSize: o.block, symmetric: o.symmetric, check });
        if (q.nonFinite) {
          nonFinite = true;
          break;
        }
        const suffix = mixed ? `_${t.orientation}` : '';
        const packedName = fresh(`${weight.name}${suffix}_Q4`);
        const zeroName = q.packedZeroPoints ? fresh(`${weight.name}${suffix}_zero_points`) : undefined;
        const { n, blocks, blobSize } = q.grid;
        s = { q, packedName, zeroName, scales: new Map(), tensors: [makeRawTensor(packedName, DT.UINT8, [n, blocks, blobSize], q.packed)] };
        if (zeroName) s.tensors.push(makeRawTensor(zeroName, DT.UINT8, [n, Math.ceil(blocks / 2)], q.packedZeroPoints!));
        stored.set(t.orientation, s);
        if (q.sampled) sampled++;
        layers.push({ name: `${weight.name}${suffix}`, maxAbsError: q.maxAbsError, meanAbsError: q.meanAbsError, sqnrDb: q.sqnrDb });
      }
      let scalesName = s.scales.get(t.alpha);
      if (scalesName === undefined) {
        scalesName = fresh(`${s.packedName.replace(/_Q4$/, '')}${t.alpha === 1 ? '' : '_alpha'}_scales`);
        const values = t.alpha === 1 ? s.q.scales : s.q.scales.map((v) => Math.fround(v * t.alpha));
        s.tensors.push(makeFloatTensor(scalesName, [s.q.grid.n, s.q.grid.blocks], values));
        s.scales.set(t.alpha, scalesName);
      }
      replace.set(t.use.node, rewriteNode(t, s, scalesName, o, biases, fresh));
    }
    if (nonFinite) {
      warnings.push(`Kept '${weight.name}' float: it holds NaN or infinite values.`);
      for (const t of targets) replace.delete(t.use.node);
      layers.splice(layers.length - stored.size, stored.size);
      continue;
    }
    for (const s of stored.values()) tensors.push(...s.tensors);
    const dropOriginal = onlyReadBy(weight, targets.length);
    if (dropOriginal && weight.isGraphInput) overridable.push(weight.name);
    if (!dropOriginal) warnings.push(keptFloatCopyWarning(weight));
    swaps.push({ weight, dropOriginal, tensors, constantNames: tensors.map((t) => fresh(`${t.name}_const`)) });
    if (performance.now() - lastYield > YIELD_EVERY_MS) {
      await yieldToLoop();
      lastYield = performance.now();
    }
  }
  check();
  if (o.gather) {
    const taken = new Set(swaps.map((s) => s.weight.name));
    const g = planGatherQuantized(model, o, changeableNodes(o.excludeNodes, ctx.nodeScope), taken, fresh, check);
    swaps.push(...g.swaps);
    for (const [n, r] of g.replace) replace.set(n, r);
    layers.push(...g.layers);
    sampled += g.sampled;
    const kept = keptFloatWarning(g.skipped, 'embedding table(s)');
    if (kept) warnings.push(kept);
  }
  if (sampled > 0) warnings.push(`Error figures of ${sampled} tensor(s) over ${EXACT_STATS_LIMIT} elements come from a strided sample of each.`);
  if (overridable.length > 0) warnings.push(`${overridable.length} quantized initializer(s) were also graph inputs (overridable defaults); they are constants now.`);
  if (swaps.length === 0) {
    const reason = candidates.length === 0 ? 'No MatMul/Gemm weight matched (operators, 2-D float32, size threshold or exclusions)' : 'No weight could be quantized';
    return unchangedOutcome(model, reason, warnings, layers);
  }
  onProgress?.({ kind: 'phase', phase: 'int4: rewriting graph' });
  const tensors = swaps.length;
  swaps.push(...biases.droppable(replace));
  const out = withDomainImport(applyWeightSwaps(model, swaps, replace), MS_DOMAIN, 1);
  return { model: out, tensors, warnings, changes: weightErrors(layers) };
}

/** GPTQ's input Hessian of each candidate weight, by weight name (those left out are rounded to nearest). */
async function planGptq(model: ReadonlyModelIR, candidates: readonly Candidate[], ctx: MethodContext, warnings: string[]): Promise<Map<string, Float64Array>> {
  const weights = candidates.map(({ weight, targets }) => {
    const [rows, cols] = tensorDims(weight.tensor) as [number, number];
    const t0 = targets[0]!;
    return { name: weight.name, k: t0.orientation === 'nk' ? cols : rows, readers: targets.map((t) => ({ node: t.use.node, transA: t.transA })) };
  });
  const r = await weightHessians(model, weights, ctx, 'int4 (gptq)');
  warnings.push(...r.warnings);
  return r.hessians;
}

/**
 * Gemm's beta x C where C is a stored float32 tensor: a Constant holding the product, put in front
 * of the node; the original C goes once no other node reads it. Any other C gets a Mul by beta.
 */
class BiasFolding {
  private readonly stored: Map<string, StoredWeight>;
  private readonly folded = new Set<NodeProto>();

  constructor(model: ReadonlyModelIR) {
    this.stored = new Map(listStoredWeights(model).map((w) => [w.name, w]));
  }

  /** Nodes that make `beta x C` (in order) and the name of the result. */
  scaled(n: NodeProto, bias: string, beta: number, fresh: (base: string) => string): { nodes: NodeProto[]; name: string } {
    const name = fresh(`${bias}_beta`);
    const w = this.stored.get(bias);
    if (w && w.tensor.dataType === DT.FLOAT && !isExternal(w.tensor)) {
      this.folded.add(n);
      const values = readFloat32(w.tensor).map((v) => Math.fround(v * beta));
      return { nodes: [node('Constant', [], [name], { value: makeFloatTensor(name, tensorDims(w.tensor), values) }, { name: fresh(`${name}_const`) })], name };
    }
    const betaName = fresh(`${n.name || bias}_beta_value`);
    return {
      nodes: [
        node('Constant', [], [betaName], { value: makeFloatTensor(betaName, [], Float32Array.of(beta)) }, { name: fresh(`${betaName}_const`) }),
        node('Mul', [bias, betaName], [name], {}, { name: fresh(`${name}_Mul`) }),
      ],
      name,
    };
  }

  /** Swaps that remove folded biases nothing else reads (among the nodes still replaced). */
  droppable(replace: ReadonlyMap<NodeProto, readonly NodeProto[]>): StoredWeightSwap[] {
    const byBias = new Map<string, StoredWeight>();
    for (const n of this.folded) if (replace.has(n)) byBias.set(n.input[2]!, this.stored.get(n.input[2]!)!);
    return [...byBias.values()]
      .filter((w) => !w.isGraphOutput && !w.isGraphInput && w.uses.every((u) => u.inputIndex === 2 && this.folded.has(u.node) && replace.has(u.node)))
      .map((w) => ({ weight: w, dropOriginal: true, tensors: [], constantNames: [] }));
  }
}

/**
 * MatMul -> MatMulNBits; Gemm -> MatMulNBits (+ Add of its bias C, when it has one), with a
 * Transpose in front for transA=1 and C scaled by beta when beta != 1 (alpha is in the scales).
 */
function rewriteNode(t: Target, s: Stored, scalesName: string, o: Int4Options, biases: BiasFolding, fresh: (base: string) => string): NodeProto[] {
  const n = t.use.node;
  const { k, n: cols, blockSize } = s.q.grid;
  const attrs: Record<string, AttrValue> = { K: k, N: cols, bits: 4, block_size: blockSize, accuracy_level: o.accuracyLevel };
  const prelude: NodeProto[] = [];
  let a = n.input[0]!;
  if (t.transA) {
    const tr = transposeNode(a, fresh);
    prelude.push(tr.node);
    a = tr.output;
  }
  const inputs = [a, s.packedName, scalesName, ...(s.zeroName ? [s.zeroName] : [])];
  const output = n.output[0]!;
  let bias = n.opType === 'Gemm' ? (n.input[2] ?? '') : '';
  const name = n.name || fresh(`${output}_MatMulNBits`);
  if (bias === '') return [...prelude, node('MatMulNBits', inputs, [output], attrs, { name, domain: MS_DOMAIN })];
  if (t.beta !== 1) {
    const scaled = biases.scaled(n, bias, t.beta, fresh);
    prelude.push(...scaled.nodes);
    bias = scaled.name;
  }
  const product = fresh(`${output}_matmul`);
  return [
    ...prelude,
    node('MatMulNBits', inputs, [product], attrs, { name, domain: MS_DOMAIN }),
    node('Add', [product, bias], [output], {}, { name: fresh(`${name}_bias_add`) }),
  ];
}

export const int4: MethodModule<typeof INT4_OPTIONS> = {
  ...int4Declaration,
  async apply(model, options, ctx = {}) {
    return quantizeModel(model, resolveOptions(int4Declaration.id, INT4_OPTIONS, options), ctx);
  },
};
