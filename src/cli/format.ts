/** Plain-text tables for the human (non --json) output; numbers come from src/core/util/format.ts. */

/** Columns padded to their widest cell; columns whose `align` is 'right' are right-aligned. */
export function formatTable(header: string[], rows: string[][], align: ('left' | 'right')[] = []): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]): string =>
    r
      .map((cell, c) => (align[c] === 'right' ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
