import { formatCount } from '../util/format';
/** Error figures for one rewritten weight tensor. */
export interface LayerError {
  name: string;
  maxAbsError: number;
  meanAbsError: number;
  /** Signal-to-quantization-noise ratio in dB; Infinity when the tensor came back exactly. */
  sqnrDb: number;
}

/**
 * One change a method made to one layer (a weight tensor or a node), as a tagged union so every
 * host shows any kind without knowing which method made it.
 */
export type LayerChange =
  /**
   * A weight rewritten, with its error against what the step was given. A refitting step
   * (reconstruct) adds the layer's output SQNR against the teacher's, before and after the refit.
   */
  | ({ kind: 'weight-error'; outputSqnrDb?: { before: number; after: number } } & LayerError)
  /** Output channels (filters, columns) a pruning step removed from a layer. */
  | { kind: 'channels-removed'; name: string; before: number; after: number }
  /** Zeros among a weight's elements after the step. */
  | { kind: 'sparsity'; name: string; zeros: number; elements: number }
  /** A weight factored into low-rank parts: its full rank and the rank kept. */
  | {
      kind: 'rank';
      name: string;
      before: number;
      after: number;
      /** The layer's parameters (weight elements) before and after (both factors). */
      paramsBefore?: number;
      paramsAfter?: number;
      /** SQNR of the factored weight against the original, dB. */
      sqnrDb?: number;
      /** SQNR of the layer's outputs on the calibration samples, dB (data-aware factorization only). */
      outputSqnrDb?: number;
    }
  /** A node folded into another (e.g. BatchNorm into Conv) or into a constant. */
  | { kind: 'node-folded'; name: string; opType: string; into?: string }
  /** A node removed as dead or as a no-op. */
  | { kind: 'node-removed'; name: string; opType: string };

export type LayerChangeKind = LayerChange['kind'];

/** Today's per-weight error figures as changes. */
export function weightErrors(layers: readonly LayerError[]): LayerChange[] {
  return layers.map((l) => ({ kind: 'weight-error', ...l }));
}

function percent(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '0%';
}

function db(v: number): string {
  return Number.isFinite(v) ? `${v.toFixed(1)} dB` : 'exact';
}

/** One line for one change, as the CLI and the studio print it. */
export function formatChange(c: LayerChange): string {
  switch (c.kind) {
    case 'weight-error':
      return (
        `${c.name}: SQNR ${db(c.sqnrDb)}, max |error| ${c.maxAbsError.toPrecision(3)}, mean ${c.meanAbsError.toPrecision(3)}` +
        (c.outputSqnrDb ? `; output SQNR ${db(c.outputSqnrDb.before)} -> ${db(c.outputSqnrDb.after)} refitted` : '')
      );
    case 'channels-removed':
      return `${c.name}: ${c.before - c.after} of ${c.before} channels removed (${c.after} kept)`;
    case 'sparsity':
      return `${c.name}: ${percent(c.zeros, c.elements)} zeros (${c.zeros} of ${c.elements})`;
    case 'rank': {
      const params = c.paramsBefore !== undefined && c.paramsAfter !== undefined ? `, ${formatCount(c.paramsBefore)} -> ${formatCount(c.paramsAfter)} parameters` : '';
      const weight = c.sqnrDb !== undefined ? `, weight SQNR ${db(c.sqnrDb)}` : '';
      const output = c.outputSqnrDb !== undefined ? `, output SQNR ${db(c.outputSqnrDb)}` : '';
      return `${c.name}: rank ${c.after} of ${c.before}${params}${weight}${output}`;
    }
    case 'node-folded':
      return `${c.name} (${c.opType}) folded${c.into ? ` into ${c.into}` : ''}`;
    case 'node-removed':
      return `${c.name} (${c.opType}) removed`;
  }
}

const KIND_ORDER: readonly LayerChangeKind[] = ['weight-error', 'channels-removed', 'sparsity', 'rank', 'node-folded', 'node-removed'];

/** The change of a kind worth naming first: the worst error, the most pruned, the lowest rank. */
function headline(changes: readonly LayerChange[]): LayerChange {
  const score = (c: LayerChange): number => {
    switch (c.kind) {
      case 'weight-error':
        return -c.sqnrDb;
      case 'channels-removed':
        return c.before > 0 ? 1 - c.after / c.before : 0;
      case 'sparsity':
        return c.elements > 0 ? c.zeros / c.elements : 0;
      case 'rank':
        return c.before > 0 ? 1 - c.after / c.before : 0;
      default:
        return 0;
    }
  };
  return changes.reduce((best, c) => (score(c) > score(best) ? c : best));
}

function kindSummary(kind: LayerChangeKind, changes: readonly LayerChange[]): string {
  const n = changes.length;
  const top = formatChange(headline(changes));
  switch (kind) {
    case 'weight-error':
      return `${n} weight${n === 1 ? '' : 's'} rewritten; worst ${top}`;
    case 'channels-removed': {
      const before = changes.reduce((s, c) => s + (c.kind === kind ? c.before : 0), 0);
      const after = changes.reduce((s, c) => s + (c.kind === kind ? c.after : 0), 0);
      return `channels removed in ${n} layer${n === 1 ? '' : 's'} (${before - after} of ${before}); most ${top}`;
    }
    case 'sparsity': {
      const zeros = changes.reduce((s, c) => s + (c.kind === kind ? c.zeros : 0), 0);
      const elements = changes.reduce((s, c) => s + (c.kind === kind ? c.elements : 0), 0);
      return `sparsity ${percent(zeros, elements)} over ${n} weight${n === 1 ? '' : 's'}; highest ${top}`;
    }
    case 'rank': {
      const sum = (f: (c: Extract<LayerChange, { kind: 'rank' }>) => number | undefined): number | undefined =>
        changes.reduce<number | undefined>((s, c) => (s === undefined || c.kind !== 'rank' || f(c) === undefined ? undefined : s + f(c)!), 0);
      const before = sum((c) => c.paramsBefore);
      const after = sum((c) => c.paramsAfter);
      const totals = before !== undefined && after !== undefined ? ` (${formatCount(before)} -> ${formatCount(after)} parameters in them)` : '';
      return `${n} weight${n === 1 ? '' : 's'} factored to low rank${totals}; lowest ${top}`;
    }
    case 'node-folded':
      return `${n} node${n === 1 ? '' : 's'} folded, e.g. ${top}`;
    case 'node-removed':
      return `${n} node${n === 1 ? '' : 's'} removed, e.g. ${top}`;
  }
}

/** One line per kind of change present, in a fixed order: what the CLI prints and the studio's notes show. */
export function summarizeChanges(changes: readonly LayerChange[]): string[] {
  return KIND_ORDER.flatMap((kind) => {
    const of = changes.filter((c) => c.kind === kind);
    return of.length > 0 ? [kindSummary(kind, of)] : [];
  });
}

/** The weight-error figures among some changes, as LayerError records. */
export function layerErrors(changes: readonly LayerChange[]): LayerError[] {
  return changes.flatMap((c) => (c.kind === 'weight-error' ? [{ name: c.name, maxAbsError: c.maxAbsError, meanAbsError: c.meanAbsError, sqnrDb: c.sqnrDb }] : []));
}
