/** Display formatting for the studio: pure functions, no React. */

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
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
  if (!Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  if (abs >= 1e12) return `${(n / 1e12).toFixed(2)} T`;
  if (abs >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (abs >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** A shape with symbolic dims by name and unknown dims as '?'; a missing shape as 'unknown'. */
export function formatShape(shape: readonly (number | string | null)[] | null | undefined): string {
  if (!shape) return 'unknown';
  return `[${shape.map((d) => (d === null || d === '' ? '?' : String(d))).join(', ')}]`;
}

/** Ratio as "3.9× smaller" / "1.2× larger". */
export function formatRatio(before: number, after: number): string {
  if (!(before > 0) || !(after > 0)) return '–';
  const r = before / after;
  return r >= 1 ? `${r.toFixed(2)}× smaller` : `${(1 / r).toFixed(2)}× larger`;
}

export function formatNumber(value: number, digits = 4): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value !== 0 && Math.abs(value) < 1e-3) return value.toExponential(2);
  return value.toFixed(digits);
}

/** model.onnx -> model */
export function stripOnnxExtension(name: string): string {
  return name.replace(/\.onnx$/i, '');
}

/** A speed ratio (before / after) as "1.25× faster" / "1.30× slower"; a slowdown is never hidden. */
export function formatSpeedup(speedup: number | null): string {
  if (speedup === null || !Number.isFinite(speedup) || speedup <= 0) return '–';
  return speedup >= 1 ? `${speedup.toFixed(2)}× faster` : `${(1 / speedup).toFixed(2)}× slower`;
}

/** 0.256 -> "25.6%" */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '–';
  return `${(fraction * 100).toFixed(fraction >= 0.1 ? 1 : 2)}%`;
}
