import type { Feeds } from '../core/evaluate/tensor-data';
import { graph, model, node, valueInfo } from '../core/ir/build';
import { DT } from '../core/ir/dtype';
import { encodeModel } from '../core/onnx/encode';
import { latencyStats, type LatencyStats } from '../core/evaluate/stats';
import { throwIfAborted } from '../core/util/abort';
import type { LongCallOptions } from '../core/util/progress';
import type { Backend, ModelSession, Runtime } from './types';
import type { BenchmarkResult } from '../core/evaluate/bench-result';

export type { BenchmarkResult };

export interface BenchmarkOptions extends LongCallOptions {
  backend: Backend;
  threads: number;
  /** Untimed runs after the first run and before the timed ones. */
  warmup: number;
  /** Timed runs; latencyMs summarises these. */
  runs: number;
}

/** Runs per second at this mean latency (0 when nothing was timed). */
export function throughputOf(latency: LatencyStats): number {
  return latency.mean > 0 ? 1000 / latency.mean : 0;
}

/** A run's time: the session's own figure when it runs elsewhere, else the time since `start`. */
export function runMs(session: ModelSession, start: number): number {
  const elapsed = performance.now() - start;
  return session.lastRunMs ?? elapsed;
}

function checkCount(label: string, n: number, min: number): void {
  if (!Number.isInteger(n) || n < min) throw new RangeError(`${label} is ${n}; expected an integer >= ${min}.`);
}

/**
 * Loads the model, runs it once (firstRunMs), `warmup` more times untimed, then `runs` timed
 * times on the same feeds. The session is released whatever happens. Checks the signal
 * between runs; a run in flight cannot be interrupted (terminate the worker for that).
 */
export async function benchmarkModel(runtime: Runtime, bytes: Uint8Array, feeds: Feeds, options: BenchmarkOptions): Promise<BenchmarkResult> {
  const { backend, threads, warmup, runs, signal, onProgress } = options;
  checkCount('threads', threads, 1);
  checkCount('warmup', warmup, 0);
  checkCount('runs', runs, 1);
  throwIfAborted(signal);
  onProgress?.({ kind: 'phase', phase: 'load' });
  const t0 = performance.now();
  const session = await runtime.createSession(bytes, { backend, threads });
  const sessionMs = performance.now() - t0;
  try {
    throwIfAborted(signal);
    const total = 1 + warmup + runs;
    const step = (index: number, phase: string): void => onProgress?.({ kind: 'step', phase, index, total });
    step(0, 'first-run');
    const t1 = performance.now();
    await session.run(feeds);
    const firstRunMs = runMs(session, t1);
    for (let i = 0; i < warmup; i++) {
      throwIfAborted(signal);
      step(1 + i, 'warmup');
      await session.run(feeds);
    }
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      throwIfAborted(signal);
      step(1 + warmup + i, 'run');
      const t = performance.now();
      await session.run(feeds);
      samples.push(runMs(session, t));
    }
    const latencyMs = latencyStats(samples);
    return { backend: session.backend, threads: session.threads ?? threads, sessionMs, firstRunMs, latencyMs, throughputPerSec: throughputOf(latencyMs) };
  } finally {
    await session.release();
  }
}

/**
 * Starts the runtime's backend (WASM instantiation, thread pool) with a one-node model, so the
 * first benchmarked model's sessionMs measures loading that model, not starting onnxruntime.
 */
export async function warmUpRuntime(runtime: Runtime, backend: Backend, threads: number): Promise<void> {
  const identity = model(
    graph({
      name: 'warm_up',
      nodes: [node('Identity', ['x'], ['y'])],
      inputs: [valueInfo('x', DT.FLOAT, [1])],
      outputs: [valueInfo('y', DT.FLOAT, [1])],
    }),
  );
  const session = await runtime.createSession(encodeModel(identity), { backend, threads });
  try {
    await session.run({ x: { dtype: 'float32', dims: [1], data: Float32Array.of(0) } });
  } finally {
    await session.release();
  }
}
