import { dtypeName, isFloatDType } from '../ir/dtype';
import type { ModelIR } from '../ir/model';
import { elementCount, tensorByteLength, tensorDims } from '../ir/tensor';
import { listNodes, listWeights } from '../ir/walk';
import { opKey } from './op-key';
import { quantizedWeightParams } from './quantized-weights';

export interface LayerRow {
  /** The weight's value name (initializer name or the Constant node's output). */
  name: string;
  /** Op type of its first consumer, or 'Constant'/'initializer' when nothing reads it. */
  op: string;
  shape: number[];
  params: number;
  bytes: number;
  dtype: string;
  graphPath: string;
  /** Names of the nodes that read it (unnamed nodes left out): what a per-layer override matches. */
  nodes: string[];
}

export interface WeightTotals {
  layers: LayerRow[];
  /**
   * Weights: elements of every floating-point stored tensor, plus the weights that integer
   * tensors hold as the data of a quantized op (DequantizeLinear, MatMulInteger, MatMulNBits…).
   */
  params: number;
  bytesByDType: Record<string, number>;
}

/** The per-weight table (largest first) and the totals over every stored tensor. */
export function weightTable(model: ModelIR): WeightTotals {
  const firstConsumer = new Map<string, string>();
  const readers = new Map<string, string[]>();
  for (const { node } of listNodes(model)) {
    for (const input of node.input) if (input && !firstConsumer.has(input)) firstConsumer.set(input, opKey(node));
    for (const input of new Set(node.input)) if (input && node.name) readers.set(input, [...(readers.get(input) ?? []), node.name]);
  }
  const bytesByDType: Record<string, number> = {};
  let params = 0;
  const quantized = quantizedWeightParams(model);
  const layers = listWeights(model).map((w): LayerRow => {
    const count = elementCount(w.tensor);
    const bytes = tensorByteLength(w.tensor);
    const dtype = dtypeName(w.tensor.dataType);
    bytesByDType[dtype] = (bytesByDType[dtype] ?? 0) + bytes;
    if (isFloatDType(w.tensor.dataType)) params += count;
    else params += quantized.get(w.name) ?? 0;
    return {
      name: w.name,
      op: firstConsumer.get(w.name) ?? (w.source === 'constant' ? 'Constant' : 'initializer'),
      shape: tensorDims(w.tensor),
      params: count,
      bytes,
      dtype,
      graphPath: w.graphPath,
      nodes: readers.get(w.name) ?? [],
    };
  });
  layers.sort((a, b) => b.bytes - a.bytes);
  return { layers, params, bytesByDType };
}
