import type { StepReport } from '../services/types';

/** The gzip size of the original and of each variant, from the variants' step totals (ids as the comparison's rows). */
export function gzipSizes(originalId: string, variants: readonly { id: string; steps: readonly StepReport[] }[]): Record<string, number> {
  const out: Record<string, number> = {};
  const first = variants.find((v) => v.steps.length > 0);
  if (first) out[originalId] = first.steps[0]!.before.gzipBytes;
  for (const v of variants) {
    const last = v.steps[v.steps.length - 1];
    if (last) out[v.id] = last.after.gzipBytes;
  }
  return out;
}

/** Ratios within 1% of 1 count as the same size. */
const SAME = 0.01;

/**
 * True when a variant's file is no smaller than the original's but its gzip is: zeros in dense
 * tensors (unstructured pruning) shrink the download over HTTP, not the file or the memory it takes.
 */
export function smallerOnlyGzipped(sizes: { file: number; gzip: number }, original: { file: number; gzip: number }): boolean {
  if (!(original.file > 0) || !(original.gzip > 0)) return false;
  return sizes.file / original.file >= 1 - SAME && sizes.gzip / original.gzip < 1 - SAME;
}
