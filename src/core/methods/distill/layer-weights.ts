import type { ModelIR } from '../../ir/model';
import { makeFloatTensor, readFloat32, tensorDims } from '../../ir/tensor';
import { constantNode, editModel } from '../../graph/edit-session';
import { nameAllocator } from '../../graph/names';
import { listStoredWeights, type StoredWeight } from '../../graph/weight-uses';
import { dequantizedValues, requantize } from './quantized-weight';
import { nbitsValues, requantizeNBits } from './nbits-weight';
import type { RefitLayer } from './reconstruct-targets';

/** Whether the fit of this layer has a bias row (its own bias, or one a Conv gets added). */
export const fitsBias = (layer: RefitLayer): boolean => layer.bias !== undefined || layer.addBias;

const storedByName = (model: ModelIR): Map<string, StoredWeight> => new Map(listStoredWeights(model).map((w) => [w.name, w]));

/** Where effective entry (row i, column c) of group g sits in the stored weight. */
function flatIndex(layer: RefitLayer, g: number, i: number, c: number): number {
  const { k, n } = layer;
  return layer.kind === 'conv' ? (g * n + c) * k + i : layer.transposed ? c * k + i : i * n + c;
}

/** Stored weight values (and bias, if any) as the fit's per-group effective weights: alpha·B as K x N rows, then beta·C. */
function toGroups(layer: RefitLayer, weight: ArrayLike<number>, bias: ArrayLike<number> | undefined): Float64Array[] {
  const { k, n, alpha, beta, groups } = layer;
  const withBias = fitsBias(layer);
  return Array.from({ length: groups }, (_, g) => {
    const out = new Float64Array((k + (withBias ? 1 : 0)) * n);
    for (let i = 0; i < k; i++) for (let c = 0; c < n; c++) out[i * n + c] = alpha * weight[flatIndex(layer, g, i, c)]!;
    if (bias) for (let c = 0; c < n; c++) out[k * n + c] = beta * bias[g * n + c]!;
    return out;
  });
}

/** Per-group effective weights back as the stored weight's values and the bias values. */
function toStored(layer: RefitLayer, w: readonly Float64Array[]): { weight: Float32Array<ArrayBuffer>; bias: Float32Array<ArrayBuffer> } {
  const { k, n, alpha, beta, groups } = layer;
  const weight = new Float32Array(groups * k * n);
  for (let g = 0; g < groups; g++) for (let i = 0; i < k; i++) for (let c = 0; c < n; c++) weight[flatIndex(layer, g, i, c)] = w[g]![i * n + c]! / alpha;
  const bias = fitsBias(layer) ? Float32Array.from({ length: groups * n }, (_, j) => w[Math.floor(j / n)]![k * n + (j % n)]! / beta) : new Float32Array(0);
  return { weight, bias };
}

/** The weight values the layer computes with now: the float32 tensor, or what its DequantizeLinear gives. */
function currentValues(model: ModelIR, layer: RefitLayer): Float32Array {
  const stored = storedByName(model);
  const b = layer.nbits;
  if (b) return nbitsValues(stored.get(b.packed.name)!.tensor, stored.get(b.scales.name)!.tensor, b.zeroPoints && stored.get(b.zeroPoints.name)!.tensor, b.grid);
  const q = layer.quantized;
  if (!q) return readFloat32(stored.get(layer.weight.name)!.tensor);
  return dequantizedValues(stored.get(q.codes.name)!.tensor, stored.get(q.scale.name)!.tensor, q.zeroPoint && stored.get(q.zeroPoint.name)!.tensor, q.axis);
}

/**
 * The layer's effective weights as the fit sees them, one array per group: alpha·B as K x N rows
 * (a Conv filter's [C/groups, kh, kw] window flattened as the row index), then beta·C when it fits a bias.
 */
export function effectiveWeights(model: ModelIR, layer: RefitLayer): Float64Array[] {
  const bias = layer.bias ? readFloat32(storedByName(model).get(layer.bias.name)!.tensor) : undefined;
  return toGroups(layer, currentValues(model, layer), bias);
}

/** What refitted weights become once stored: themselves for a float layer, requantized in its scheme for a quantized one. */
export function realizedWeights(layer: RefitLayer, w: readonly Float64Array[]): Float64Array[] {
  if (!layer.quantized && !layer.nbits) return [...w];
  const { weight, bias } = toStored(layer, w);
  const values = layer.nbits ? requantizeNBits(weight, layer.nbits).dequantized : requantize(weight, layer.quantized!).dequantized;
  return toGroups(layer, values, fitsBias(layer) ? bias : undefined);
}

/** The model with the layer's weight (requantized when it was quantized) and bias set from effective weights, one array per group. */
export function withWeights(model: ModelIR, layer: RefitLayer, w: readonly Float64Array[]): ModelIR {
  const stored = storedByName(model);
  const fresh = nameAllocator(model);
  const { weight: values, bias: biasValues } = toStored(layer, w);
  return editModel(model, (session) => {
    const weight = stored.get(layer.weight.name)!;
    const nb = layer.nbits;
    if (nb) {
      // MatMulNBits has no bias here (its Gemm bias, if any, is a separate Add the teacher match refused).
      const r = requantizeNBits(values, nb);
      session.replaceStored(weight, r.packed, fresh(`${weight.name}_refit`));
      session.replaceStored(stored.get(nb.scales.name)!, r.scales, fresh(`${nb.scales.name}_refit`));
      if (nb.zeroPoints && r.zeroPoints) session.replaceStored(stored.get(nb.zeroPoints.name)!, r.zeroPoints, fresh(`${nb.zeroPoints.name}_refit`));
      return;
    }
    const q = layer.quantized;
    if (q) {
      const r = requantize(values, q);
      session.replaceStored(weight, r.codes, fresh(`${weight.name}_refit`));
      session.replaceStored(stored.get(q.scale.name)!, r.scale, fresh(`${q.scale.name}_refit`));
      if (q.zeroPoint && r.zeroPoint) session.replaceStored(stored.get(q.zeroPoint.name)!, r.zeroPoint, fresh(`${q.zeroPoint.name}_refit`));
    }
    const tensor = makeFloatTensor(weight.name, tensorDims(weight.tensor), values);
    if (layer.bias) {
      const bias = stored.get(layer.bias.name)!;
      if (!q) session.replaceStored(weight, tensor, fresh(`${weight.name}_refit`));
      session.replaceStored(bias, makeFloatTensor(bias.name, tensorDims(bias.tensor), biasValues), fresh(`${bias.name}_refit`));
      return;
    }
    if (!layer.addBias) {
      if (!q) session.replaceStored(weight, tensor, fresh(`${weight.name}_refit`));
      return;
    }
    // A Conv that had no bias: the fitted one is stored where its weight is and wired in as input 2.
    const biasTensor = makeFloatTensor(fresh(`${weight.name}_refit_bias`), [layer.groups * layer.n], biasValues);
    if (q || weight.constantIndex === undefined) {
      if (!q) session.replaceStored(weight, tensor, '');
      // Beside a Constant-node weight the new bias goes in as an initializer too: the Constant's place is taken by the replacement.
      session.addInitializer(model.graph!, biasTensor);
    } else {
      session.replaceStored(weight, tensor, fresh(`${weight.name}_refit`), [constantNode(biasTensor, fresh(`${biasTensor.name}_const`))]);
    }
    const graph = model.graph!;
    const node = graph.node.find((x) => x === layer.node) ?? graph.node.find((x) => x.name !== '' && x.name === layer.node.name && x.opType === 'Conv');
    session.setInput(node!, 2, biasTensor.name);
  });
}
