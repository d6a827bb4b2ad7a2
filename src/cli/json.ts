/**
 * JSON for machines: non-finite numbers (an SQNR of +Infinity for identical outputs, say)
 * become null, since JSON has no Infinity or NaN; bigints become numbers.
 */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) return null;
      if (typeof v === 'bigint') return Number(v);
      return v;
    },
    2,
  );
}
