import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { APP_ICONS, renderAppIcon } from '../../scripts/app-icons';
import { webAppManifest } from '../../scripts/web-app-manifest';

const ACCENT = [0x5b, 0x5b, 0xd6, 0xff];

function pixel(png: PNG, x: number, y: number): number[] {
  const i = (y * png.width + x) * 4;
  return [...png.data.subarray(i, i + 4)];
}

describe('install icons and the web app manifest', () => {
  it('draws each icon at its size: rounded and transparent in the corners, or full-bleed when maskable', () => {
    for (const icon of APP_ICONS) {
      const png = PNG.sync.read(Buffer.from(renderAppIcon(icon)));
      expect([png.width, png.height]).toEqual([icon.size, icon.size]);
      const c = Math.floor(icon.size / 2);
      // The accent diamond in the middle, the white one around it, the accent square outside.
      expect(pixel(png, c, c)).toEqual(ACCENT);
      const white = pixel(png, c + Math.round(icon.size * 0.2), c);
      expect(white[0]).toBeGreaterThan(240);
      expect(pixel(png, Math.round(icon.size * 0.12), c)).toEqual(ACCENT);
      expect(pixel(png, 0, 0)[3]).toBe(icon.purpose === 'maskable' ? 255 : 0);
    }
  });

  it('keeps the maskable mark inside the central safe circle (radius 40%)', () => {
    const icon = APP_ICONS.find((i) => i.purpose === 'maskable')!;
    const png = PNG.sync.read(Buffer.from(renderAppIcon(icon)));
    const c = icon.size / 2;
    const outsideNotAccent: string[] = [];
    let outside = 0;
    for (let y = 0; y < icon.size; y++) {
      for (let x = 0; x < icon.size; x++) {
        if (Math.hypot(x + 0.5 - c, y + 0.5 - c) <= 0.4 * icon.size) continue;
        outside += 1;
        if (pixel(png, x, y).some((v, k) => v !== ACCENT[k])) outsideNotAccent.push(`${x},${y}`);
      }
    }
    expect(outside).toBeGreaterThan(0.4 * icon.size * icon.size);
    expect(outsideNotAccent).toEqual([]);
  });

  it('lists every icon, opens standalone, and handles .onnx files', () => {
    expect(webAppManifest.display).toBe('standalone');
    expect(webAppManifest.icons?.map((i) => i.src)).toEqual(APP_ICONS.map((i) => `/${i.fileName}`));
    expect(webAppManifest.icons?.some((i) => i.purpose === 'maskable' && i.sizes === '512x512')).toBe(true);
    expect(webAppManifest.icons?.some((i) => i.sizes === '192x192')).toBe(true);
    expect(webAppManifest.file_handlers).toEqual([{ action: '/', accept: { 'application/x-onnx': ['.onnx'] } }]);
  });
});
