/**
 * Numbers as people read them, shared by the studio and the CLI so both say the same thing:
 * bytes in decimal units (1 KB = 1000 B, as file managers and download pages count), times in
 * ms up to a second and in s above, counts with SI suffixes, ratios as "n× smaller".
 */

/** What a value that cannot be shown (NaN, a negative size, a missing ratio) prints as. */
export const MISSING = '–';

/** The multiplication sign of ratios; the CLI passes 'x' for plain-ASCII terminals. */
export type TimesSign = '×' | 'x';

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 4000000 -> "4.00 MB" (three significant digits above 1 KB). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return MISSING;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)} ${BYTE_UNITS[unit]}`;
}

/** 1234567 -> "1.23 M" */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return MISSING;
  const abs = Math.abs(n);
  if (abs >= 1e12) return `${(n / 1e12).toFixed(2)} T`;
  if (abs >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (abs >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

/** A time in ms as a bare number, for columns whose header names the unit: 2 decimals below 10 ms, 1 below 1 s, none above. */
export function formatMsValue(ms: number): string {
  if (!Number.isFinite(ms)) return MISSING;
  return ms.toFixed(ms < 10 ? 2 : ms < 1000 ? 1 : 0);
}

/** 12.34 -> "12.3 ms", 1234 -> "1.23 s" */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return MISSING;
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${formatMsValue(ms)} ms`;
}

/** Size ratio as "3.90× smaller" / "1.20× larger". */
export function formatRatio(before: number, after: number, times: TimesSign = '×'): string {
  if (!(before > 0) || !(after > 0)) return MISSING;
  const r = before / after;
  return r >= 1 ? `${r.toFixed(2)}${times} smaller` : `${(1 / r).toFixed(2)}${times} larger`;
}

/** A speed ratio (before / after) as "1.25× faster" / "1.30× slower"; a slowdown is never hidden. */
export function formatSpeedup(speedup: number | null, times: TimesSign = '×'): string {
  if (speedup === null || !Number.isFinite(speedup) || speedup <= 0) return MISSING;
  return speedup >= 1 ? `${speedup.toFixed(2)}${times} faster` : `${(1 / speedup).toFixed(2)}${times} slower`;
}

/** A fraction as a percentage: 0.256 -> "25.6%", 0.0123 -> "1.23%". */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return MISSING;
  return `${(fraction * 100).toFixed(fraction >= 0.1 ? 1 : 2)}%`;
}

/** A share in 0..1 as a percentage with one decimal: 0.9 -> "90.0%" (agreement and accuracy columns). */
export function formatShare(share: number | undefined): string {
  if (share === undefined || !Number.isFinite(share)) return MISSING;
  return `${(100 * share).toFixed(1)}%`;
}

/** An SQNR in dB with one decimal; an exact copy (Infinity) as "∞". */
export function formatDb(db: number): string {
  if (db === Infinity) return '∞';
  return Number.isFinite(db) ? db.toFixed(1) : MISSING;
}

/** A number with `digits` decimals; tiny values in exponent form, infinities as ∞. */
export function formatNumber(value: number, digits = 4): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value !== 0 && Math.abs(value) < 1e-3) return value.toExponential(2);
  return value.toFixed(digits);
}

/** A number for a machine-readable metrics table: 'inf' for infinities, up to 6 significant digits. */
export function formatMetric(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e6 ? String(Number(v.toPrecision(6))) : v.toExponential(3);
}

/** A shape with symbolic dims by name and unknown dims as '?'; a missing shape as `missing`. */
export function formatShape(shape: readonly (number | string | null)[] | null | undefined, missing = 'unknown'): string {
  if (!shape) return missing;
  return `[${shape.map((d) => (d === null || d === '' ? '?' : String(d))).join(', ')}]`;
}
