import { PNG } from 'pngjs';

/**
 * The studio's install icons, drawn in code from the favicon's geometry (public/favicon.svg: an
 * accent rounded square holding a white diamond with an accent diamond inside), so no binary
 * image is kept in the repository and the PNGs always match the SVG.
 */
export interface AppIcon {
  /** Path under the site root, without the leading slash. */
  fileName: string;
  size: number;
  /** `maskable` icons fill the whole square and keep the mark inside the central safe circle. */
  purpose: 'any' | 'maskable';
}

export const APP_ICONS: readonly AppIcon[] = [
  { fileName: 'icons/icon-192.png', size: 192, purpose: 'any' },
  { fileName: 'icons/icon-512.png', size: 512, purpose: 'any' },
  { fileName: 'icons/icon-maskable-512.png', size: 512, purpose: 'maskable' },
];

export const ICON_ACCENT = '#5b5bd6';

type Rgb = readonly [number, number, number];
const ACCENT: Rgb = [0x5b, 0x5b, 0xd6];
const WHITE: Rgb = [0xff, 0xff, 0xff];
/** Sub-samples per pixel side: 4×4 is smooth enough for edges at these sizes. */
const SS = 4;

/** Inside a square of side 1 with corners rounded to `r`, in unit coordinates. */
function inRoundedSquare(x: number, y: number, r: number): boolean {
  if (x < 0 || y < 0 || x > 1 || y > 1) return false;
  const cx = Math.min(Math.max(x, r), 1 - r);
  const cy = Math.min(Math.max(y, r), 1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

const inDiamond = (x: number, y: number, r: number): boolean => Math.abs(x - 0.5) + Math.abs(y - 0.5) <= r;

/** The colour and opacity at one unit-square point, or null where the icon is transparent. */
function shade(x: number, y: number, purpose: AppIcon['purpose']): readonly [Rgb, number] | null {
  // favicon.svg: a 32-unit square with rx 7; diamonds of half-diagonal 11 and 6 around the centre.
  const scale = purpose === 'maskable' ? 0.8 : 1;
  if (purpose === 'any' && !inRoundedSquare(x, y, 7 / 32)) return null;
  if (inDiamond(x, y, (6 / 32) * scale)) return [ACCENT, 1];
  if (inDiamond(x, y, (11 / 32) * scale)) return [WHITE, 0.92];
  return [ACCENT, 1];
}

/** The icon as PNG bytes, anti-aliased by supersampling, with straight (unpremultiplied) alpha. */
export function renderAppIcon(icon: Pick<AppIcon, 'size' | 'purpose'>): Uint8Array {
  const { size, purpose } = icon;
  const png = new PNG({ width: size, height: size });
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let covered = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const hit = shade((px + (sx + 0.5) / SS) / size, (py + (sy + 0.5) / SS) / size, purpose);
          if (!hit) continue;
          // The white diamond at 92% over the accent square: blend it here, the square is opaque.
          const [[cr, cg, cb], alpha] = hit;
          r += cr * alpha + ACCENT[0] * (1 - alpha);
          g += cg * alpha + ACCENT[1] * (1 - alpha);
          b += cb * alpha + ACCENT[2] * (1 - alpha);
          covered += 1;
        }
      }
      const i = (py * size + px) * 4;
      png.data[i] = covered ? Math.round(r / covered) : 0;
      png.data[i + 1] = covered ? Math.round(g / covered) : 0;
      png.data[i + 2] = covered ? Math.round(b / covered) : 0;
      png.data[i + 3] = Math.round((255 * covered) / (SS * SS));
    }
  }
  return new Uint8Array(PNG.sync.write(png));
}
