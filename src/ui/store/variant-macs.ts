import type { MacsAtDims } from '../../core/analyze/macs-at-dims';
import { formatCount } from '../../core/util/format';

const count = (m: MacsAtDims): string => {
  if (m.kind === 'invalid') return 'not counted';
  const n = m.total > 0 ? formatCount(m.total) : '–';
  return m.complete ? n : `${n} (partial)`;
};

/**
 * A variant's MACs beside the original's at the input sizes set, for the comparison's notes (its
 * step totals were counted at compression time with symbolic dims as 1); null until both are counted.
 */
export function variantMacsLine(variant: MacsAtDims | null, original: MacsAtDims | null): string | null {
  if (!variant || !original) return null;
  const at =
    variant.kind === 'counted'
      ? ` (${Object.entries(variant.inputShapes)
          .map(([n, d]) => `${n} [${d.join('×')}]`)
          .join(', ')})`
      : '';
  return `MACs at the sizes set${at}: ${count(variant)}, the original ${count(original)}`;
}
