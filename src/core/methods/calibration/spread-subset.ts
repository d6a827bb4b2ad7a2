/**
 * At most `count` of `items`, taken at even steps across the whole list rather than from its
 * start: a class-folder sample set lists its classes one after another, so its first n samples
 * would all be one class.
 */
export function spreadSubset<T>(items: readonly T[], count: number): T[] {
  if (count >= items.length) return [...items];
  return Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)]!);
}
