import { basename } from 'node:path';
import type { DeviceProfile } from '../core/device/profile';
import type { BenchmarkResult } from '../core/evaluate/bench-result';
import { buildReport, type Report, type ReportSettings } from '../core/report';
import type { ModelFile } from './model-file';
import { reportModel } from './report-file';

/**
 * The report of a bench run: the first model is the original, the others its variants (their
 * recipes unknown: they are files), each with a latency entry per thread count it was timed on.
 */
export async function benchReport(run: {
  files: readonly ModelFile[];
  /** One per timed model, in the order of `fileOf`. */
  results: readonly BenchmarkResult[];
  /** For each result, the index of its file. */
  fileOf: readonly number[];
  settings: ReportSettings;
  device?: DeviceProfile;
}): Promise<Report> {
  const latency = run.files.map((_, i) => run.results.filter((_, r) => run.fileOf[r] === i).map((result) => ({ result, round: 1 })));
  const [original, ...variants] = run.files;
  return buildReport({
    createdAt: new Date(),
    model: await reportModel(original!),
    settings: run.settings,
    ...(run.device && { device: run.device }),
    original: { latency: latency[0]! },
    variants: variants.map((f, i) => ({ label: basename(f.path), sizeBytes: f.sizeBytes, latency: latency[i + 1]! })),
  });
}
