import { node } from '../../ir/build';
import { DT } from '../../ir/dtype';
import type { ModelIR, ReadonlyModelIR } from '../../ir/model';
import { makeFloatTensor, makeRawTensor } from '../../ir/tensor';
import type { NodeProto } from '../../onnx/schema';
import { EditSession } from '../../graph/edit-session';

/** uint8 quantization parameters of one activation. */
export interface ActivationQdq {
  tensor: string;
  scale: number;
  zeroPoint: number;
}

/**
 * Inserts QuantizeLinear -> DequantizeLinear (uint8, per tensor) on each named main-graph
 * activation: the pair follows the producer (or opens the graph for a graph input) and every
 * node that read the value, subgraphs included, reads the DequantizeLinear output instead.
 * Graph outputs keep the float value. `fresh` allocates unused names. Returns a new model.
 */
export function insertActivationQdq(model: ReadonlyModelIR, params: readonly ActivationQdq[], fresh: (base: string) => string): ModelIR {
  const session = new EditSession(model);
  const main = session.index.scopes[0]!;
  const graph = main.graph;
  const pairs = new Map<string, NodeProto[]>();
  for (const p of params) {
    const s = fresh(`${p.tensor}_scale`);
    const z = fresh(`${p.tensor}_zero_point`);
    const q = fresh(`${p.tensor}_quantized`);
    const dq = fresh(`${p.tensor}_dequantized`);
    session.addInitializer(graph, makeFloatTensor(s, [], Float32Array.of(p.scale)));
    session.addInitializer(graph, makeRawTensor(z, DT.UINT8, [], Uint8Array.of(p.zeroPoint)));
    pairs.set(p.tensor, [
      node('QuantizeLinear', [p.tensor, s, z], [q], {}, { name: fresh(`${p.tensor}_QuantizeLinear`) }),
      node('DequantizeLinear', [q, s, z], [dq], {}, { name: fresh(`${p.tensor}_DequantizeLinear`) }),
    ]);
    session.rewireConsumers(graph, p.tensor, dq);
  }
  for (const v of graph.input) session.insertAtTop(graph, pairs.get(v.name) ?? []);
  for (const n of graph.node) for (const o of n.output) if (pairs.has(o)) session.insertAfter(n, pairs.get(o)!);
  return session.commit();
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
