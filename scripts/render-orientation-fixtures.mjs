// Renders the labelled text-line images the reconstruct accuracy test reads
// (tests/fixtures/text-orientation): printed lines of seeded words in several fonts, sizes, inks
// and backgrounds, at the 192 x 48 the PaddleOCR direction classifier takes. The test makes the
// '180' class by turning each image; the lines here are all upright. Run once and commit:
//   node scripts/render-orientation-fixtures.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { findChromium } from './chromium-path.mjs';

const WORDS = [
  'model', 'weight', 'layer', 'invoice', 'total', 'north', 'station', 'coffee', 'garden', 'street', 'open', 'closed', 'daily',
  'price', 'order', 'number', 'river', 'market', 'school', 'hotel', 'museum', 'ticket', 'platform', 'exit', 'entrance', 'parking',
  'fresh', 'bread', 'speed', 'limit', 'room', 'floor', 'office', 'delivery', 'return', 'receipt', 'account', 'balance', 'phone',
  'email', 'monday', 'friday', 'summer', 'winter', 'table', 'chart', 'result', 'sample', 'version', 'release', 'update', 'notice',
];
const FONTS = ['DejaVu Sans', 'Liberation Serif', 'DejaVu Sans Mono', 'Liberation Sans', 'DejaVu Serif', 'Liberation Mono', 'Liberation Sans Narrow'];
const COUNT = 280;

/** A small seeded generator (mulberry32), so the set is the same on every run. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rnd = random(20261202);
const pick = (list) => list[Math.floor(rnd() * list.length)];
const specs = [];
for (let i = 0; i < COUNT; i++) {
  const words = Array.from({ length: 2 + Math.floor(rnd() * 3) }, () => pick(WORDS));
  if (rnd() < 0.4) words.push(String(Math.floor(rnd() * 9000) + 100));
  if (rnd() < 0.3) words[0] = words[0][0].toUpperCase() + words[0].slice(1);
  const light = 225 + Math.floor(rnd() * 30);
  const ink = Math.floor(rnd() * 90);
  specs.push({
    text: rnd() < 0.15 ? words.join(' ').toUpperCase() : words.join(' '),
    font: FONTS[i % FONTS.length],
    size: 20 + Math.floor(rnd() * 14),
    x: 2 + Math.floor(rnd() * 8),
    y: 22 + Math.floor(rnd() * 5),
    background: `rgb(${light}, ${light - Math.floor(rnd() * 12)}, ${light - Math.floor(rnd() * 20)})`,
    ink: `rgb(${ink}, ${ink}, ${ink + Math.floor(rnd() * 40)})`,
  });
}

const out = new URL('../tests/fixtures/text-orientation/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({ executablePath: findChromium(), args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const page = await browser.newPage();
await page.setContent('<canvas id="c" width="192" height="48"></canvas>');
const lines = [];
for (const [i, spec] of specs.entries()) {
  const png = await page.evaluate((s) => {
    const c = globalThis.document.getElementById('c');
    const g = c.getContext('2d');
    g.fillStyle = s.background;
    g.fillRect(0, 0, c.width, c.height);
    g.fillStyle = s.ink;
    g.textBaseline = 'middle';
    let px = s.size;
    g.font = `${px}px "${s.font}"`;
    while (g.measureText(s.text).width > c.width - s.x - 2 && px > 10) g.font = `${--px}px "${s.font}"`;
    g.fillText(s.text, s.x, s.y);
    return c.toDataURL('image/png').split(',')[1];
  }, spec);
  const file = `line-${String(i).padStart(2, '0')}.png`;
  writeFileSync(out + file, Buffer.from(png, 'base64'));
  lines.push({ file, text: spec.text, font: spec.font });
}
writeFileSync(out + 'index.json', JSON.stringify({ note: 'Rendered by scripts/render-orientation-fixtures.mjs; all upright', lines }, null, 1) + '\n');
await browser.close();
console.log(`wrote ${lines.length} text lines to ${out}`);
