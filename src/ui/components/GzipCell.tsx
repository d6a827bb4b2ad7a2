import { formatBytes, formatRatio } from '../../core/util/format';
import type { ComparisonRow } from '../store/comparison-rows';
import { smallerOnlyGzipped } from '../store/gzip-sizes';

/** A row's gzip size with its ratio to the original's, and a note when only the gzipped file is smaller. */
export function GzipCell({ row, original, gzip }: { row: ComparisonRow; original: ComparisonRow | undefined; gzip: Readonly<Record<string, number>> }) {
  const mine = gzip[row.id];
  const base = original ? gzip[original.id] : undefined;
  if (mine === undefined) {
    return (
      <td className="num muted" data-metric="gzip">
        –
      </td>
    );
  }
  const only = !row.isOriginal && original !== undefined && base !== undefined && smallerOnlyGzipped({ file: row.sizeBytes, gzip: mine }, { file: original.sizeBytes, gzip: base });
  return (
    <td className="num" data-metric="gzip">
      {formatBytes(mine)}
      {!row.isOriginal && base !== undefined && <div className="muted small">{formatRatio(base, mine)}</div>}
      {only && (
        <div className="note small" data-testid="gzip-only" title="Zeros in dense tensors compress well, so the download shrinks; the file, the memory and the compute do not.">
          smaller only gzipped
        </div>
      )}
    </td>
  );
}
