import type { ModelIR } from '../ir/model';
import { listNodes } from '../ir/walk';
import { ioSpec, type IOSpec } from './io';
import { weightTable, type LayerRow } from './layers';
import type { NodeMacs } from './macs';
import { modelMacs } from './model-macs';
import { opKey } from './op-key';
import { webgpuSupports } from './webgpu-ops';
import { noOpReasons, type NoOpReasons } from './applicability';

export type { IOSpec } from './io';
export type { LayerRow } from './layers';

export interface ModelSummary {
  sizeBytes: number;
  irVersion: number;
  opsets: { domain: string; version: number }[];
  producer: { name: string; version: string };
  graphName: string;
  inputs: IOSpec[];
  outputs: IOSpec[];
  /** Node count including subgraph nodes. */
  nodes: number;
  /** Nodes per op type, subgraphs included; non-default domains prefix the op ('com.microsoft.MatMulNBits'). */
  opHistogram: Record<string, number>;
  /** Element count of every floating-point tensor stored in the model (initializers + Constant nodes, subgraphs included). */
  params: number;
  /** Stored tensor bytes per dtype name. */
  bytesByDType: Record<string, number>;
  /** One row per stored tensor, largest first. */
  layers: LayerRow[];
  macs: {
    total: number;
    byNode: NodeMacs[];
    /** False when some Conv/MatMul/Gemm (main graph or subgraphs) could not be counted. */
    complete: boolean;
    /** Symbolic or unknown input dims and the value the estimate used for each ('?' names a dim without a name). */
    assumedDims: Record<string, number>;
    /** Counted nodes left out because their inferred shapes are impossible (a negative dim). */
    impossible?: string[];
  };
  /** Ops onnxruntime-web's WebGPU EP cannot run (they would fall back to WASM). */
  webgpu: { unsupportedOps: string[]; unsupportedNodes: number };
  /** Per method id, why it would change nothing in this model (see noOpReasons); absent in older summaries. */
  noOps?: NoOpReasons;
}

export interface AnalyzeOptions {
  /**
   * Sizes for open input dims in the MAC estimate, by name (`batch`) or by input and axis
   * (`x[1]`, which also reaches dims without a name); unlisted ones count as 1.
   */
  dims?: Record<string, number>;
}

/** Summarises a model: metadata, IO, op histogram, weights, estimated MACs and WebGPU coverage. */
export function analyzeModel(model: ModelIR, sizeBytes: number, options: AnalyzeOptions = {}): ModelSummary {
  const g = model.graph!;
  const initNames = new Set(g.initializer.map((t) => t.name));
  const inputs = g.input.filter((v) => !initNames.has(v.name)).map(ioSpec);
  const nodes = listNodes(model);
  const opHistogram: Record<string, number> = {};
  for (const { node } of nodes) {
    const k = opKey(node);
    opHistogram[k] = (opHistogram[k] ?? 0) + 1;
  }
  const { layers, params, bytesByDType } = weightTable(model);
  const opsetOf = new Map(model.opsetImport.map((o) => [o.domain === 'ai.onnx' ? '' : o.domain, Number(o.version)]));

  // MACs: static shapes through the main graph, symbolic dims from options (default 1).
  const assumedDims: Record<string, number> = {};
  const inputShapes = new Map<string, number[]>();
  for (const io of inputs) {
    if (!io.shape) continue;
    inputShapes.set(
      io.name,
      io.shape.map((d, axis) => {
        if (typeof d === 'number') return d;
        const byAxis = options.dims?.[`${io.name}[${axis}]`];
        if (byAxis !== undefined) return byAxis;
        const key = d ?? '?';
        const value = (d !== null ? options.dims?.[d] : undefined) ?? 1;
        assumedDims[key] = value;
        return value;
      }),
    );
  }
  const macs = modelMacs(model, Object.fromEntries(inputShapes));

  const unsupported = new Set<string>();
  let unsupportedNodes = 0;
  for (const { node } of nodes) {
    const domain = node.domain === 'ai.onnx' ? '' : node.domain;
    if (!webgpuSupports(domain, node.opType, opsetOf.get(domain) ?? 1)) {
      unsupported.add(opKey(node));
      unsupportedNodes++;
    }
  }

  return {
    sizeBytes,
    irVersion: Number(model.irVersion),
    opsets: model.opsetImport.map((o) => ({ domain: o.domain, version: Number(o.version) })),
    producer: { name: model.producerName, version: model.producerVersion },
    graphName: g.name,
    inputs,
    outputs: g.output.map(ioSpec),
    nodes: nodes.length,
    opHistogram,
    params,
    bytesByDType,
    layers,
    macs: { ...macs, assumedDims },
    webgpu: { unsupportedOps: [...unsupported].sort(), unsupportedNodes },
    noOps: noOpReasons(model),
  };
}
