import type { Backend } from '../device/backend';
import type { ModelCost } from '../device/roofline';
import type { ErrorInfo } from './error-info';
import type { LatencyStats } from './stats';

/** One model timed on one backend. */
export interface BenchmarkResult {
  backend: Backend;
  /** WASM threads used: what the session reports, else the count asked for. */
  threads: number;
  /** Time to create the session (parse, optimise, allocate). */
  sessionMs: number;
  /** The first inference, timed on its own: it pays one-off costs (kernel setup, allocations). */
  firstRunMs: number;
  latencyMs: LatencyStats;
  /**
   * Every timed run in the order it ran (in an interleaved run, run r of each model sits at
   * index r, so two models' arrays pair up); absent where a benchmark did not keep them.
   */
  samplesMs?: number[];
  /** Inferences per second, one after another (1000 / mean latency). */
  throughputPerSec: number;
}

/** A benchmark with the shapes it ran at and what one run costs there. */
export interface BenchResult extends BenchmarkResult {
  /** The concrete input shapes the model ran with (symbolic dims resolved). */
  inputShapes: Record<string, number[]>;
  /** What one run must compute and move at those shapes (for the device-limit figure). */
  cost: ModelCost;
}

/** Per model of a joint measurement: its figures, or why it could not be timed. */
export type MeasureAllItem = { ok: true; result: BenchResult } | { ok: false; error: ErrorInfo };
