import { macsFromShapes } from '../analyze/model-macs';
import { inferShapes } from '../graph/shapes';
import { weightTable } from '../analyze/layers';
import type { ModelIR } from '../ir/model';
import type { BackendFigures } from './profile';

/** What one run of a model must at least compute and move, as far as static analysis can tell. */
export interface ModelCost {
  /** Multiply-accumulates of Conv/ConvTranspose/MatMul/Gemm (other ops' arithmetic is not counted). */
  macs: number;
  /** False when some counted op's shapes (or a subgraph's) were unknown: macs is then a floor. */
  macsComplete: boolean;
  /** Stored weights, read at least once per run. */
  weightBytes: number;
  /**
   * Intermediate tensors of the main graph, each written once and read once, counted as 4-byte
   * elements (float32; quantized activations are smaller, so this can overstate them).
   */
  activationBytes: number;
  /** Node outputs whose shape could not be inferred (their bytes are missing from activationBytes). */
  unknownActivations: number;
}

/**
 * The cost of one run with the given concrete input shapes (the shapes the model is timed with).
 * Uses the same shape inference and MAC count as analyzeModel.
 */
export function modelCost(model: ModelIR, inputShapes: Record<string, readonly number[]>): ModelCost {
  const g = model.graph!;
  const table = inferShapes(g, new Map(Object.entries(inputShapes).map(([k, v]) => [k, [...v]])));
  const macs = macsFromShapes(model, table);
  const { bytesByDType } = weightTable(model);
  const weightBytes = Object.values(bytesByDType).reduce((a, b) => a + b, 0);
  const stored = new Set(g.initializer.map((t) => t.name));
  let activationElements = 0;
  let unknownActivations = 0;
  for (const n of g.node) {
    if (n.opType === 'Constant') continue;
    for (const out of n.output) {
      if (!out || stored.has(out)) continue;
      const shape = table.shapes.get(out);
      if (!shape) unknownActivations++;
      else activationElements += shape.reduce((a, d) => a * d, 1);
    }
  }
  return {
    macs: macs.total,
    macsComplete: macs.complete,
    weightBytes,
    activationBytes: 2 * 4 * activationElements,
    unknownActivations,
  };
}

/** The roofline lower bound of a run's latency on one backend, and which side limits it. */
export interface LatencyBound {
  /** 2·MACs / peak FLOP/s, in ms. */
  computeMs: number;
  /** (weight + activation bytes) / bandwidth, in ms. */
  memoryMs: number;
  /** max(computeMs, memoryMs): no run on this backend can be faster (given the counted work). */
  boundMs: number;
  limitedBy: 'compute' | 'memory';
  /** False when the cost missed some work (unknown shapes): the bound is then looser still. */
  complete: boolean;
}

/** The bound from measured peak GFLOP/s and GB/s (roofline: max(2·MACs/peak, bytes/bandwidth)). */
export function latencyBound(cost: ModelCost, gflops: number, gbps: number): LatencyBound {
  if (!(gflops > 0) || !(gbps > 0)) throw new RangeError(`Peak figures must be positive; got ${gflops} GFLOP/s and ${gbps} GB/s.`);
  const computeMs = (2 * cost.macs) / (gflops * 1e6);
  const memoryMs = (cost.weightBytes + cost.activationBytes) / (gbps * 1e6);
  return {
    computeMs,
    memoryMs,
    boundMs: Math.max(computeMs, memoryMs),
    limitedBy: computeMs >= memoryMs ? 'compute' : 'memory',
    complete: cost.macsComplete && cost.unknownActivations === 0,
  };
}

/** How close a measured latency comes to the bound: 100 means running at the device's limit. */
export function percentOfLimit(measuredMs: number, bound: LatencyBound): number {
  return measuredMs > 0 ? (100 * bound.boundMs) / measuredMs : NaN;
}

/** The bound for a run on `backend` with `threads`, from the probe's figures for that configuration (undefined when it has none). */
export function boundFor(cost: ModelCost, figures: readonly BackendFigures[], backend: string, threads: number): LatencyBound | undefined {
  const f = figures.find((x) => x.backend === backend && (backend !== 'wasm' || x.threads === threads));
  if (!f || !f.compute.ok || !f.bandwidth.ok) return undefined;
  return latencyBound(cost, f.compute.value.gflops, f.bandwidth.value.gbps);
}
