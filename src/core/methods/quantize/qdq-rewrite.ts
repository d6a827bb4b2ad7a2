import { node } from '../../ir/build';
import { DT } from '../../ir/dtype';
import { patch } from '../../ir/edit';
import type { ModelIR } from '../../ir/model';
import { makeFloatTensor, makeRawTensor } from '../../ir/tensor';
import type { NodeProto, TensorProto } from '../../onnx/schema';

/** uint8 quantization parameters of one activation. */
export interface ActivationQdq {
  tensor: string;
  scale: number;
  zeroPoint: number;
}

/**
 * Inserts QuantizeLinear -> DequantizeLinear (uint8, per tensor) on each named main-graph
 * activation: the pair follows the producer (or opens the graph for a graph input) and every
 * main-graph node that read the value reads the DequantizeLinear output instead. Graph outputs
 * keep the float value. `fresh` allocates unused names. Returns a new model.
 */
export function insertActivationQdq(model: ModelIR, params: readonly ActivationQdq[], fresh: (base: string) => string): ModelIR {
  const graph = model.graph!;
  const byTensor = new Map(params.map((p) => [p.tensor, p]));
  const renamed = new Map<string, string>();
  const pairs = new Map<string, NodeProto[]>();
  const inits: TensorProto[] = [];
  for (const p of params) {
    const s = fresh(`${p.tensor}_scale`);
    const z = fresh(`${p.tensor}_zero_point`);
    const q = fresh(`${p.tensor}_quantized`);
    const dq = fresh(`${p.tensor}_dequantized`);
    inits.push(makeFloatTensor(s, [], Float32Array.of(p.scale)), makeRawTensor(z, DT.UINT8, [], Uint8Array.of(p.zeroPoint)));
    pairs.set(p.tensor, [
      node('QuantizeLinear', [p.tensor, s, z], [q], {}, { name: fresh(`${p.tensor}_QuantizeLinear`) }),
      node('DequantizeLinear', [q, s, z], [dq], {}, { name: fresh(`${p.tensor}_DequantizeLinear`) }),
    ]);
    renamed.set(p.tensor, dq);
  }
  const nodes: NodeProto[] = [];
  for (const v of graph.input) nodes.push(...(pairs.get(v.name) ?? []));
  for (const n of graph.node) {
    const rewired = n.input.some((x) => renamed.has(x)) ? patch(n, { input: n.input.map((x) => renamed.get(x) ?? x) }) : n;
    nodes.push(rewired);
    for (const o of n.output) if (byTensor.has(o)) nodes.push(...pairs.get(o)!);
  }
  return patch(model, { graph: patch(graph, { node: nodes, initializer: [...graph.initializer, ...inits] }) });
}

/** uint8 asymmetric parameters for [min, max] widened to include 0 (exact zero, as the ONNX QDQ convention wants). */
export function uint8Params(min: number, max: number): { scale: number; zeroPoint: number } {
  const lo = Math.min(0, min);
  const hi = Math.max(0, max);
  const scale = Math.fround((hi - lo) / 255);
  if (!(scale > 0) || !Number.isFinite(scale)) return { scale: 1, zeroPoint: 0 };
  const zp = Math.round(-lo / scale);
  return { scale, zeroPoint: Math.min(255, Math.max(0, zp)) };
}
