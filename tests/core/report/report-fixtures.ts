import { buildReport, type Report } from '../../../src/core/report';
import type { BenchmarkResult } from '../../../src/core/evaluate/bench-result';

/** A benchmark result with the given median (the spread around it made up for unit tests only; real runs are in report-size.test.ts). */
export function bench(p50: number, threads = 2): BenchmarkResult {
  return {
    backend: 'wasm',
    threads,
    sessionMs: 40,
    firstRunMs: 10,
    latencyMs: { min: p50 * 0.9, p50, p90: p50 * 1.2, max: p50 * 1.4, mean: p50 * 1.05, n: 10 },
    throughputPerSec: 1000 / (p50 * 1.05),
  };
}

/** A small report with one variant, for schema and codec tests. */
export function sampleReport(): Report {
  return buildReport({
    createdAt: new Date(Date.UTC(2026, 11, 2, 1, 0, 0)),
    model: {
      fileName: 'model.onnx',
      sha256: 'a'.repeat(64),
      summary: { sizeBytes: 1000, opsets: [{ domain: '', version: 17 }], params: 250, macs: { total: 5000, byNode: [], complete: true, assumedDims: {} }, opHistogram: { MatMul: 2, Relu: 1 } },
    },
    settings: { runs: 10, warmup: 2, seed: 42, samples: 2 },
    original: { latency: [{ result: bench(2), round: 1 }] },
    variants: [
      {
        label: 'int8-weight',
        recipe: { steps: [{ method: 'int8-weight', options: {} }] },
        sizeBytes: 400,
        latency: [{ result: bench(1.5), round: 1 }],
        fidelity: {
          samples: 2,
          inputShapes: { x: [1, 4] },
          outputs: [{ name: 'y', elements: 8, cosine: 0.9999, sqnrDb: Infinity, maxAbs: 0.01, meanAbs: 0.001, relL2: 0.002, nonFinite: { reference: 0, candidate: 0 } }],
        },
      },
    ],
  });
}
