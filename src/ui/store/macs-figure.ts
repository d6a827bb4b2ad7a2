import type { ModelSummary } from '../services/types';
import type { BenchResult } from '../../core/evaluate/bench-result';
import { formatCount } from '../../core/util/format';

const shapes = (inputShapes: Record<string, number[]>): string =>
  Object.entries(inputShapes)
    .map(([n, d]) => `${n} [${d.join('×')}]`)
    .join(', ');

/**
 * The summary's MACs figure. Once the original has been measured, the count at the input sizes
 * it ran with (the sizes the user set, the rest guessed), so it follows those sizes; before that,
 * the load-time estimate with its assumed dims. "Partial" only when some counted op's shape is
 * unknown at those sizes.
 */
export function macsFigure(macs: ModelSummary['macs'], measured: Pick<BenchResult, 'cost' | 'inputShapes'> | null): { value: string; hint: string } {
  if (measured) {
    const { cost, inputShapes } = measured;
    const at = Object.keys(inputShapes).length > 0 ? ` at ${shapes(inputShapes)}, the sizes last measured` : '';
    const base = cost.macsComplete ? 'Conv/MatMul/Gemm, counted from shapes' : 'Partial: some Conv/MatMul/Gemm shapes are unknown';
    return { value: cost.macs > 0 ? formatCount(cost.macs) : '–', hint: `${base}${at}` };
  }
  const assumed = Object.entries(macs.assumedDims).map(([d, v]) => `${d}=${v}`);
  const base = macs.complete ? 'Conv/MatMul/Gemm, estimated from shapes' : 'Partial: some Conv/MatMul/Gemm shapes are unknown';
  return { value: macs.total > 0 ? formatCount(macs.total) : '–', hint: assumed.length > 0 ? `${base}; symbolic dims taken as ${assumed.join(', ')} until measured` : base };
}
