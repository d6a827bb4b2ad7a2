import type { Feeds } from '../core/evaluate/tensor-data';
import { latencyStats } from '../core/evaluate/stats';
import { throwIfAborted } from '../core/util/abort';
import type { LongCallOptions } from '../core/util/progress';
import type { ErrorInfo } from '../core/evaluate/error-info';
import { runMs, throughputOf, type BenchmarkOptions, type BenchmarkResult } from './benchmark';
import type { ModelSession, Runtime } from './types';

/** Latency statistics of the timed runs and the throughput they imply. */
function timing(samples: readonly number[]): Pick<BenchmarkResult, 'latencyMs' | 'throughputPerSec'> {
  const latencyMs = latencyStats(samples);
  return { latencyMs, throughputPerSec: throughputOf(latencyMs) };
}

/** A model to time and the feeds it runs on. */
export interface TimedModel {
  bytes: Uint8Array;
  feeds: Feeds;
  /**
   * Where this model runs, when not the call's runtime: e.g. a thread runtime with another WASM
   * thread count, so one interleaved run compares thread counts fairly.
   */
  runtime?: Runtime;
  /** WASM threads asked for this model (default: the call's). */
  threads?: number;
}

/** Per model: its figures, or why it could not be timed (plain data: it crosses comlink). */
export type InterleavedResult = { ok: true; result: BenchmarkResult } | { ok: false; error: ErrorInfo };

/**
 * Times several models in one run with their timed runs interleaved: run r times every model once,
 * starting at model r mod n, so whatever drifts during the run (the WASM engine tiering up, other
 * load on the machine) spreads over all of them instead of favouring the ones timed last. All
 * sessions are loaded first (sessionMs each), then each runs once (firstRunMs) and `warmup` times
 * untimed. A model that fails to load gets its error; the others are still timed. Every session
 * is released whatever happens.
 */
export async function benchmarkInterleaved(
  runtime: Runtime,
  models: readonly TimedModel[],
  options: Omit<BenchmarkOptions, keyof LongCallOptions> & LongCallOptions,
): Promise<InterleavedResult[]> {
  const { backend, threads, warmup, runs, signal, onProgress } = options;
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`runs is ${runs}; expected an integer >= 1.`);
  if (!Number.isInteger(warmup) || warmup < 0) throw new RangeError(`warmup is ${warmup}; expected an integer >= 0.`);
  const loaded: { index: number; session: ModelSession; sessionMs: number; firstRunMs: number; samples: number[] }[] = [];
  const errors = new Map<number, ErrorInfo>();
  const total = models.length * (2 + warmup) + runs * models.length;
  let done = 0;
  const step = (phase: string): void => onProgress?.({ kind: 'step', phase, index: (done += 1), total });
  try {
    for (let index = 0; index < models.length; index++) {
      throwIfAborted(signal);
      step('load');
      const t0 = performance.now();
      try {
        const m = models[index]!;
        const session = await (m.runtime ?? runtime).createSession(m.bytes, { backend, threads: m.threads ?? threads });
        loaded.push({ index, session, sessionMs: performance.now() - t0, firstRunMs: 0, samples: [] });
      } catch (e) {
        const { name, message } = e instanceof Error ? e : new Error(String(e));
        errors.set(index, { name, message });
      }
    }
    for (const m of loaded) {
      throwIfAborted(signal);
      step('first-run');
      const t = performance.now();
      await m.session.run(models[m.index]!.feeds);
      m.firstRunMs = runMs(m.session, t);
      for (let i = 0; i < warmup; i++) {
        step('warmup');
        await m.session.run(models[m.index]!.feeds);
      }
    }
    for (let r = 0; r < runs; r++) {
      for (let k = 0; k < loaded.length; k++) {
        throwIfAborted(signal);
        step('run');
        const m = loaded[(r + k) % loaded.length]!;
        const t = performance.now();
        await m.session.run(models[m.index]!.feeds);
        m.samples.push(runMs(m.session, t));
      }
    }
  } finally {
    for (const m of loaded) await m.session.release();
  }
  return models.map((_, index): InterleavedResult => {
    const error = errors.get(index);
    if (error) return { ok: false, error };
    const m = loaded.find((x) => x.index === index)!;
    return {
      ok: true,
      result: {
        backend: m.session.backend,
        threads: m.session.threads ?? models[index]!.threads ?? threads,
        sessionMs: m.sessionMs,
        firstRunMs: m.firstRunMs,
        ...timing(m.samples),
        samplesMs: [...m.samples],
      },
    };
  });
}
