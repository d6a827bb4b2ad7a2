// Renders the printed-text images the OCR fidelity tests read (tests/fixtures/ocr-text), with the
// system Chromium's canvas and fonts. Run once and commit the output; rerun only to change the set:
//   node scripts/render-ocr-fixtures.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { findChromium } from './chromium-path.mjs';

const LINES = [
  'Featherweight 2026', 'Quantize the model', 'int8 weights, fp32 bias', 'Invoice No. 48213',
  'Total: $1,299.00', 'Open daily 9am-6pm', 'Keep left at the fork', 'Batch size 32, lr 0.001',
  'Platform 7 to Leeds', 'Made in Seoul', 'EXIT ONLY', 'Call 555-0199 today',
  'Room 404 not found', 'Fresh bread & coffee', 'Speed limit 50', 'Version 1.30.0',
];
const FONTS = ['DejaVu Sans', 'Liberation Serif', 'DejaVu Sans Mono', 'Liberation Sans'];
const out = new URL('../tests/fixtures/ocr-text/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({ executablePath: findChromium(), args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const page = await browser.newPage();
await page.setContent('<canvas id="c"></canvas>');
const render = (spec) =>
  page.evaluate(({ width, height, lines }) => {
    const c = globalThis.document.getElementById('c');
    c.width = width;
    c.height = height;
    const g = c.getContext('2d');
    g.fillStyle = '#f5f3ee';
    g.fillRect(0, 0, width, height);
    g.fillStyle = '#1a1a1a';
    g.textBaseline = 'middle';
    for (const { text, font, size, x, y } of lines) {
      let px = size;
      g.font = `${px}px "${font}"`;
      while (g.measureText(text).width > width - x - 6 && px > 8) g.font = `${--px}px "${font}"`;
      g.fillText(text, x, y);
    }
    return c.toDataURL('image/png').split(',')[1];
  }, spec);

const rec = [];
for (let i = 0; i < LINES.length; i++) {
  const file = `rec-${String(i).padStart(2, '0')}.png`;
  const png = await render({ width: 320, height: 48, lines: [{ text: LINES[i], font: FONTS[i % FONTS.length], size: 30, x: 6, y: 25 }] });
  writeFileSync(out + file, Buffer.from(png, 'base64'));
  rec.push({ file, text: LINES[i] });
}
const det = [];
for (let p = 0; p < 4; p++) {
  const file = `det-${p}.png`;
  const lines = [0, 1, 2, 3, 4].map((l) => ({ text: LINES[(p * 5 + l) % LINES.length], font: FONTS[(p + l) % FONTS.length], size: 22 + ((p + l) % 3) * 6, x: 10 + ((p * 7 + l * 13) % 30), y: 36 + l * 60 }));
  writeFileSync(out + file, Buffer.from(await render({ width: 320, height: 320, lines }), 'base64'));
  det.push({ file, lines: lines.map((l) => l.text) });
}
writeFileSync(out + 'index.json', JSON.stringify({ note: 'Rendered by scripts/render-ocr-fixtures.mjs', rec, det }, null, 1) + '\n');
await browser.close();
console.log(`wrote ${rec.length} line images and ${det.length} pages to ${out}`);
