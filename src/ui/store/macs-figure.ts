import type { ModelSummary } from '../services/types';
import type { BenchResult } from '../../core/evaluate/bench-result';
import type { MacsAtDims } from '../../core/analyze/macs-at-dims';
import { formatCount } from '../../core/util/format';

const shapes = (inputShapes: Record<string, number[]>): string =>
  Object.entries(inputShapes)
    .map(([n, d]) => `${n} [${d.join('×')}]`)
    .join(', ');

const sameShapes = (a: Record<string, number[]>, b: Record<string, number[]>): boolean =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, d]) => b[k]?.join(',') === d.join(','));

/** The recount at the sizes the user set: its result once counted, and whether one is on its way. */
export interface LiveMacsState {
  /** The count at the sizes set now; null until it lands. */
  result: MacsAtDims | null;
  /** True while the sizes set have not been counted yet. */
  pending: boolean;
}

const IMPOSSIBLE_SHOWN = 3;

function liveFigure(live: MacsAtDims, measured: Pick<BenchResult, 'inputShapes'> | null): { value: string; hint: string } {
  if (live.kind === 'invalid') return { value: '–', hint: `Not counted: ${live.message}` };
  const { total, complete, impossible, inputShapes, guessed } = live;
  const names = impossible.slice(0, IMPOSSIBLE_SHOWN).join(', ') + (impossible.length > IMPOSSIBLE_SHOWN ? ` and ${impossible.length - IMPOSSIBLE_SHOWN} more` : '');
  const base =
    impossible.length > 0
      ? `Partial: these sizes do not fit the model (impossible shapes at ${names}, not counted)`
      : complete
        ? 'Conv/MatMul/Gemm, counted from shapes'
        : 'Partial: some Conv/MatMul/Gemm shapes are unknown';
  const at = Object.keys(inputShapes).length > 0 ? ` at ${shapes(inputShapes)}` : '';
  const when = measured && sameShapes(measured.inputShapes, inputShapes) ? ', the sizes last measured' : ', the sizes set (not measured at them yet)';
  const guesses = guessed.length > 0 ? `; guessed ${guessed.join(', ')}` : '';
  return { value: total > 0 ? formatCount(total) : '–', hint: `${base}${at}${when}${guesses}` };
}

/**
 * The summary's MACs figure. With input sizes set, the recount at those sizes (the rest guessed as
 * a measurement guesses them), so it follows what the user types before anything is measured.
 * Without, once the original has been measured, the count at the input sizes it ran with; before
 * that, the load-time estimate with its assumed dims. "Partial" only when some counted op's shape
 * is unknown (or impossible) at those sizes.
 */
export function macsFigure(
  macs: ModelSummary['macs'],
  measured: Pick<BenchResult, 'cost' | 'inputShapes'> | null,
  live: LiveMacsState | null = null,
): { value: string; hint: string } {
  if (live?.result) return liveFigure(live.result, measured);
  const recounting = live?.pending ? 'Recounting at the sizes set… ' : '';
  if (measured) {
    const { cost, inputShapes } = measured;
    const at = Object.keys(inputShapes).length > 0 ? ` at ${shapes(inputShapes)}, the sizes last measured` : '';
    const base = cost.macsComplete ? 'Conv/MatMul/Gemm, counted from shapes' : 'Partial: some Conv/MatMul/Gemm shapes are unknown';
    return { value: cost.macs > 0 ? formatCount(cost.macs) : '–', hint: `${recounting}${base}${at}` };
  }
  const assumed = Object.entries(macs.assumedDims).map(([d, v]) => `${d}=${v}`);
  const base = macs.complete ? 'Conv/MatMul/Gemm, estimated from shapes' : 'Partial: some Conv/MatMul/Gemm shapes are unknown';
  return { value: macs.total > 0 ? formatCount(macs.total) : '–', hint: recounting + (assumed.length > 0 ? `${base}; symbolic dims taken as ${assumed.join(', ')} until measured` : base) };
}
