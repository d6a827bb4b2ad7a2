import {
  matmulProbeFeeds,
  matmulProbeFlops,
  matmulProbeModel,
  PROBE_EXPECTED_OUTPUT,
  streamProbeBytes,
  streamProbeFeeds,
  streamProbeModel,
} from '../core/device/probe-models';
import type { BackendFigures, BandwidthFigure, ComputeFigure, Measured } from '../core/device/profile';
import type { Feeds } from '../core/evaluate/tensor-data';
import { encodeModel } from '../core/onnx/encode';
import { throwIfAborted } from '../core/util/abort';
import { AbortError, RuntimeError } from '../core/util/errors';
import type { LongCallOptions } from '../core/util/progress';
import { runMs } from './benchmark';
import type { Backend, ModelSession, Runtime } from './types';

export interface ThroughputOptions extends LongCallOptions {
  backend: Backend;
  threads: number;
  /** Stop growing the problem once one run takes this long (default 60 ms). */
  targetMs?: number;
  /** Timed runs per size after one untimed run; the best counts (default 3). */
  runs?: number;
  /** MatMul sizes n to try, smallest first (default 128 .. 2048). */
  matmulSizes?: readonly number[];
  /** Stream lengths in floats to try, smallest first (default 2^18 .. 2^24, i.e. 1 MiB .. 64 MiB). */
  streamLengths?: readonly number[];
}

export const DEFAULT_MATMUL_SIZES = [128, 256, 512, 1024, 2048] as const;
export const DEFAULT_STREAM_LENGTHS = [1 << 18, 1 << 20, 1 << 22, 1 << 24] as const;

export const MATMUL_METHOD =
  'one float32 n x n x n MatMul per run (2n^3 FLOP) in onnxruntime-web, operands made in the graph by Expand so no feed is copied; n grows until a run takes the target time; best of the timed runs';
export const STREAM_METHOD =
  'Expand to an n-float tensor, Add a scalar, ReduceMax: 16n bytes written and read per run in onnxruntime-web; n grows until a run takes 4x the target time or the tensor reaches 64 MiB; best of the timed runs at the largest n';

/** Runs `feeds` once untimed and `runs` times timed; the best time. Checks the output is right. */
async function bestMs(session: ModelSession, feeds: Feeds, runs: number, signal: AbortSignal | undefined): Promise<number> {
  let best = Infinity;
  for (let i = 0; i <= runs; i++) {
    throwIfAborted(signal);
    const t = performance.now();
    const out = await session.run(feeds);
    const ms = runMs(session, t);
    const y = Number(out.y?.data[0]);
    if (!(Math.abs(y - PROBE_EXPECTED_OUTPUT) < 1e-3)) {
      throw new RuntimeError(`The probe model returned ${y} instead of ${PROBE_EXPECTED_OUTPUT}: this backend computes it wrongly.`);
    }
    if (i > 0) best = Math.min(best, ms);
  }
  return best;
}

/**
 * Grows the problem through `sizes`, timing each, until one run takes `targetMs`: small sizes
 * finish fast on a slow device, large ones amortise per-run overhead (GPU dispatch, readback) on
 * a fast one. Returns every size's best time.
 */
async function sweep(
  runtime: Runtime,
  bytes: Uint8Array,
  sizes: readonly number[],
  feedsFor: (n: number) => Feeds,
  options: ThroughputOptions,
  phase: string,
): Promise<{ size: number; ms: number }[]> {
  const { backend, threads, signal, onProgress, targetMs = 60, runs = 3 } = options;
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`A throughput probe needs at least one timed run per size; got runs = ${runs}.`);
  if (sizes.length === 0) throw new RangeError('A throughput probe needs at least one problem size to time; got none.');
  const session = await runtime.createSession(bytes, { backend, threads });
  try {
    const out: { size: number; ms: number }[] = [];
    for (const [index, n] of sizes.entries()) {
      onProgress?.({ kind: 'step', phase, index, total: sizes.length, item: String(n) });
      const ms = await bestMs(session, feedsFor(n), runs, signal);
      out.push({ size: n, ms });
      if (ms >= targetMs) break;
    }
    return out;
  } finally {
    await session.release();
  }
}

/** Peak MatMul throughput on one backend (see MATMUL_METHOD). */
export async function measureCompute(runtime: Runtime, options: ThroughputOptions): Promise<ComputeFigure> {
  const sizes = options.matmulSizes ?? DEFAULT_MATMUL_SIZES;
  const timed = await sweep(runtime, encodeModel(matmulProbeModel()), sizes, matmulProbeFeeds, options, `${options.backend}: matmul`);
  const runs = timed.map(({ size, ms }) => ({ size, ms, gflops: matmulProbeFlops(size) / ms / 1e6 }));
  const best = runs.reduce((a, b) => (b.gflops > a.gflops ? b : a));
  return { backend: options.backend, threads: options.threads, gflops: best.gflops, size: best.size, runs, method: MATMUL_METHOD };
}

/** Streaming memory bandwidth on one backend (see STREAM_METHOD). */
export async function measureBandwidth(runtime: Runtime, options: ThroughputOptions): Promise<BandwidthFigure> {
  const lengths = options.streamLengths ?? DEFAULT_STREAM_LENGTHS;
  // Bigger tensors leave the caches, so keep growing past the target time (up to 4x it).
  const targetMs = 4 * (options.targetMs ?? 60);
  const timed = await sweep(runtime, encodeModel(streamProbeModel()), lengths, streamProbeFeeds, { ...options, targetMs }, `${options.backend}: bandwidth`);
  const runs = timed.map(({ size, ms }) => ({ tensorBytes: 4 * size, ms, gbps: streamProbeBytes(size) / ms / 1e6 }));
  // The largest tensor: smaller ones may sit in a cache and overstate what memory delivers.
  const last = runs[runs.length - 1]!;
  return { backend: options.backend, threads: options.threads, gbps: last.gbps, tensorBytes: last.tensorBytes, runs, method: STREAM_METHOD };
}

function settle<T>(p: Promise<T>): Promise<Measured<T>> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (e: unknown) => {
      if (e instanceof AbortError) throw e;
      const { name, message } = e instanceof Error ? e : new Error(String(e));
      return { ok: false as const, error: { name, message } };
    },
  );
}

/** Both figures for one backend; a backend that fails says why instead of failing the probe. Cancellation still throws. */
export async function measureBackend(runtime: Runtime, options: ThroughputOptions): Promise<BackendFigures> {
  const t = performance.now();
  const compute = await settle(measureCompute(runtime, options));
  const bandwidth = await settle(measureBandwidth(runtime, options));
  return { backend: options.backend, threads: options.threads, compute, bandwidth, probeMs: performance.now() - t };
}
