/** Bar colours: the original in grey, variants in distinct hues (cycling past the eighth). */
const VARIANT_COLORS = ['#5b5bd6', '#1f9e89', '#e07b39', '#c2417a', '#3d8bd9', '#8a63d2', '#a68a00', '#4c956c'];

export const ORIGINAL_COLOR = 'var(--muted-bar)';

export function variantColor(index: number): string {
  return VARIANT_COLORS[index % VARIANT_COLORS.length]!;
}
