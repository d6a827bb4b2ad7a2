import { webgpuSupports } from '../analyze/webgpu-ops';
import { opKey } from '../analyze/op-key';
import type { ModelIR } from '../ir/model';
import { listNodes } from '../ir/walk';

/** A node onnxruntime-web's WebGPU backend has no kernel for, so it would run on the CPU (WASM). */
export interface FallbackNode {
  name: string;
  /** opKey: op type, prefixed by its domain outside the default one. */
  op: string;
  graphPath: string;
}

/** The nodes that would fall back off WebGPU, by the same op table as analyzeModel's webgpu summary. */
export function webgpuFallbackNodes(model: ModelIR): FallbackNode[] {
  const opsetOf = new Map(model.opsetImport.map((o) => [o.domain === 'ai.onnx' ? '' : o.domain, Number(o.version)]));
  return listNodes(model).flatMap(({ node, graphPath }, i) => {
    const domain = node.domain === 'ai.onnx' ? '' : node.domain;
    if (webgpuSupports(domain, node.opType, opsetOf.get(domain) ?? 1)) return [];
    return [{ name: node.name || `${node.opType}#${i}`, op: opKey(node), graphPath }];
  });
}
