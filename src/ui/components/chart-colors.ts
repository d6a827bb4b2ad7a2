/** Bar colours: the original in grey, variants in distinct hues (cycling past the eighth); each theme sets them in styles.css. */
const VARIANT_COLORS = ['--series-1', '--series-2', '--series-3', '--series-4', '--series-5', '--series-6', '--series-7', '--series-8'];

export const ORIGINAL_COLOR = 'var(--muted-bar)';

export function variantColor(index: number): string {
  return `var(${VARIANT_COLORS[index % VARIANT_COLORS.length]!})`;
}
