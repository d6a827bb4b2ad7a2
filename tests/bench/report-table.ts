/** The printed table of `npm run bench`: one row per operation, ratios to a plain copy of the same bytes. */

export interface BenchRow {
  operation: string;
  ms: number;
  /** The largest allowed ratio to the copy time, when the operation has a target. */
  target?: number;
}

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const padLeft = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

/** Formats rows against the copy time; MB are 10^6 bytes of the model file. */
export function formatBenchTable(rows: BenchRow[], copyMs: number, bytes: number): string {
  const header = ['operation', 'ms', 'MB/s', 'x copy', 'target', 'result'];
  const body = rows.map((r) => {
    const ratio = r.ms / copyMs;
    return [
      r.operation,
      r.ms.toFixed(1),
      (bytes / 1e6 / (r.ms / 1000)).toFixed(0),
      ratio.toFixed(2),
      r.target === undefined ? '-' : `<= ${r.target}x`,
      r.target === undefined ? '' : ratio <= r.target ? 'PASS' : 'MISS',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? pad(c, widths[i]!) : padLeft(c, widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
