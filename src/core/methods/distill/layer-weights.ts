import type { ModelIR } from '../../ir/model';
import { makeFloatTensor, readFloat32, tensorDims } from '../../ir/tensor';
import { constantNode, editModel } from '../../graph/edit-session';
import { nameAllocator } from '../../graph/names';
import { listStoredWeights } from '../../graph/weight-uses';
import type { RefitLayer } from './reconstruct-targets';

/** Whether the fit of this layer has a bias row (its own bias, or one a Conv gets added). */
export const fitsBias = (layer: RefitLayer): boolean => layer.bias !== undefined || layer.addBias;

/**
 * The layer's effective weights as the fit sees them, one array per group: alpha·B as K x N rows
 * (a Conv filter's [C/groups, kh, kw] window flattened as the row index), then beta·C when it fits a bias.
 */
export function effectiveWeights(model: ModelIR, layer: RefitLayer): Float64Array[] {
  const stored = new Map(listStoredWeights(model).map((w) => [w.name, w]));
  const { k, n, transposed, alpha, beta, groups } = layer;
  const b = readFloat32(stored.get(layer.weight.name)!.tensor);
  const bias = layer.bias ? readFloat32(stored.get(layer.bias.name)!.tensor) : undefined;
  const withBias = fitsBias(layer);
  return Array.from({ length: groups }, (_, g) => {
    const out = new Float64Array((k + (withBias ? 1 : 0)) * n);
    for (let i = 0; i < k; i++) {
      for (let c = 0; c < n; c++) {
        const at = layer.kind === 'conv' ? (g * n + c) * k + i : transposed ? c * k + i : i * n + c;
        out[i * n + c] = alpha * b[at]!;
      }
    }
    if (bias) for (let c = 0; c < n; c++) out[k * n + c] = beta * bias[g * n + c]!;
    return out;
  });
}

/** The model with the layer's weight (and bias) set from effective weights, one array per group. */
export function withWeights(model: ModelIR, layer: RefitLayer, w: readonly Float64Array[]): ModelIR {
  const stored = new Map(listStoredWeights(model).map((s) => [s.name, s]));
  const fresh = nameAllocator(model);
  const { k, n, transposed, alpha, beta, groups } = layer;
  const b = new Float32Array(groups * k * n);
  for (let g = 0; g < groups; g++) {
    const wg = w[g]!;
    for (let i = 0; i < k; i++) {
      for (let c = 0; c < n; c++) {
        const at = layer.kind === 'conv' ? (g * n + c) * k + i : transposed ? c * k + i : i * n + c;
        b[at] = wg[i * n + c]! / alpha;
      }
    }
  }
  const biasValues = Float32Array.from({ length: groups * n }, (_, j) => w[Math.floor(j / n)]![k * n + (j % n)]! / beta);
  return editModel(model, (session) => {
    const weight = stored.get(layer.weight.name)!;
    const tensor = makeFloatTensor(weight.name, tensorDims(weight.tensor), b);
    if (layer.bias) {
      const bias = stored.get(layer.bias.name)!;
      session.replaceStored(weight, tensor, fresh(`${weight.name}_refit`));
      session.replaceStored(bias, makeFloatTensor(bias.name, tensorDims(bias.tensor), biasValues), fresh(`${bias.name}_refit`));
      return;
    }
    if (!layer.addBias) {
      session.replaceStored(weight, tensor, fresh(`${weight.name}_refit`));
      return;
    }
    // A Conv that had no bias: the fitted one is stored where its weight is and wired in as input 2.
    const biasTensor = makeFloatTensor(fresh(`${weight.name}_refit_bias`), [groups * n], biasValues);
    if (weight.constantIndex === undefined) {
      session.replaceStored(weight, tensor, '');
      session.addInitializer(weight.graph, biasTensor);
    } else {
      session.replaceStored(weight, tensor, fresh(`${weight.name}_refit`), [constantNode(biasTensor, fresh(`${biasTensor.name}_const`))]);
    }
    const graph = model.graph!;
    const node = graph.node.find((x) => x === layer.node) ?? graph.node.find((x) => x.name !== '' && x.name === layer.node.name && x.opType === 'Conv');
    session.setInput(node!, 2, biasTensor.name);
  });
}
