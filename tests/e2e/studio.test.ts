import { describe, expect, it } from 'vitest';
import { readFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { encodeModel } from '../../src/core/onnx/encode';
import { createNodeRuntime } from '../../src/runtime/node';
import { synthesizeModelInputs } from '../../src/core/evaluate/inputs';
import { decodeModel } from '../../src/core/onnx/decode';
import { mlp, mlpWithExternalData } from '../fixtures/models';
import { studioSession } from './support/studio-session';
import { dropFiles, watchErrors } from './support/page-actions';

const ROOT = resolve(import.meta.dirname, '../..');

const session = studioSession();

async function openStudio(): Promise<{ page: Page; errors: string[] }> {
  const context = await session.browser().newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(session.url());
  await page.getByRole('button', { name: 'Try the sample model' }).waitFor();
  return { page, errors };
}

/** Picks `methodId` for the recipe's first step, compresses, and waits until the new variant's outputs are compared. */
async function compressWith(page: Page, methodId: string, rowLabel: string): Promise<Locator> {
  const step = page.getByTestId('recipe-step').first();
  await step.getByLabel('Method', { exact: true }).selectOption(methodId);
  await page.getByRole('button', { name: /^Compress with / }).click();
  await page.getByTestId('comparison').waitFor();
  const row = variantRow(page, rowLabel);
  await row.getByTestId('cosine').first().waitFor({ timeout: 120_000 });
  return row;
}

function variantRow(page: Page, label: string): Locator {
  return page.getByTestId('comparison-table').locator(`tbody tr[data-variant="${label}"]`);
}

async function readCosines(row: Locator): Promise<number[]> {
  return (await row.getByTestId('cosine').allTextContents()).map(Number);
}

/** Waits until no model is queued or being measured. */
async function measured(page: Page): Promise<void> {
  await expect
    .poll(() => page.getByTestId('comparison-table').locator('tbody tr[data-status="queued"], tbody tr[data-status="running"]').count(), { timeout: 180_000 })
    .toBe(0);
}

/** Runs a downloaded model in onnxruntime (Node) on seeded inputs: it must load and give finite outputs. */
async function runsInOnnxruntime(bytes: Uint8Array<ArrayBuffer>): Promise<void> {
  const decoded = decodeModel(bytes);
  const runtime = createNodeRuntime();
  const session = await runtime.createSession(bytes);
  const [feeds] = synthesizeModelInputs(decoded, { seed: 1, count: 1 });
  const outputs = await session.run(feeds!);
  await session.release();
  const values = Object.values(outputs);
  expect(values.length).toBeGreaterThan(0);
  for (const t of values) expect([...(t.data as Float32Array)].every(Number.isFinite)).toBe(true);
}

describe('studio, as a user', () => {
  it('is cross-origin isolated, so WASM threads are available', async () => {
    const { page } = await openStudio();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.context().close();
  });

  it('drop a model, see the summary, quantize, compare, download; the download runs in onnxruntime', async () => {
    const { page, errors } = await openStudio();
    const original = encodeModel(mlp());
    await dropFiles(page, [{ name: 'mlp.onnx', bytes: original }]);

    const summary = page.getByTestId('summary');
    await summary.waitFor();
    expect(await summary.getByRole('heading', { name: 'mlp.onnx' }).isVisible()).toBe(true);
    expect(await summary.getByText('Parameters').isVisible()).toBe(true);
    expect(await page.getByTestId('layers-table').locator('tbody tr').count()).toBeGreaterThan(0);

    const row = await compressWith(page, 'int8-weight', 'int8-weight');
    expect(await row.locator('[data-metric="size-ratio"]').textContent()).toMatch(/smaller/);
    await measured(page);
    // Time all of them in one run, so the ratios in the table (and the screenshot) are fair.
    await page.getByRole('button', { name: /^Re-measure all/ }).click();
    await measured(page);
    expect(await page.getByTestId('mixed-rounds').count()).toBe(0);
    expect(await variantRow(page, 'original').locator('[data-metric="latency"]').textContent()).toMatch(/ms/);
    expect(await row.locator('[data-metric="latency"]').textContent()).toMatch(/ms/);
    expect(await row.locator('[data-metric="speed"]').textContent()).toMatch(/faster|slower|same speed/);
    const cosines = await readCosines(row);
    console.info(`[mlp e2e] ${(await page.getByTestId('comparison-table').innerText()).replace(/\s+/g, ' ')}`);
    expect(cosines.length).toBeGreaterThan(0);
    for (const c of cosines) expect(c).toBeGreaterThanOrEqual(0.999);

    // The same models timed on one WASM thread (a second bench worker whose onnxruntime has one).
    await page.getByLabel('Measure on').selectOption('wasm-1');
    await page.getByRole('button', { name: /^Re-measure all on WASM, 1 thread/ }).click();
    await measured(page);
    await expect.poll(() => page.getByTestId('comparison').innerText(), { timeout: 60_000 }).toMatch(/median of WASM, 1 thread, \d+ runs/);
    console.info(`[mlp e2e, 1 thread] ${(await page.getByTestId('comparison-table').innerText()).replace(/\s+/g, ' ')}`);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download mlp.int8.onnx' }).click()]);
    expect(download.suggestedFilename()).toBe('mlp.int8.onnx');
    const bytes = new Uint8Array(await readFile(await download.path()));
    expect(bytes.byteLength).toBeLessThan(original.byteLength);
    expect(decodeModel(bytes).graph?.node.some((n) => n.opType === 'DequantizeLinear')).toBe(true);
    await runsInOnnxruntime(bytes);

    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('makes int8-static and int4 variants of the mlp, compares both with the original, re-measures all, downloads the int4 one', async () => {
    const { page, errors } = await openStudio();
    const original = encodeModel(mlp());
    await dropFiles(page, [{ name: 'mlp.onnx', bytes: original }]);
    await page.getByTestId('summary').waitFor();

    // int8-static calibrates in the model worker (onnxruntime-web loaded there on demand).
    const first = await compressWith(page, 'int8-static', 'int8-static');
    const second = await compressWith(page, 'int4', 'int4');
    await measured(page);
    expect(await page.getByTestId('comparison').getByRole('heading', { level: 2 }).textContent()).toBe('Original vs 2 variants');
    expect(await page.getByTestId('comparison-table').locator('tbody tr').count()).toBe(3);
    for (const c of await readCosines(first)) expect(c).toBeGreaterThanOrEqual(0.99);
    for (const c of await readCosines(second)) expect(c).toBeGreaterThanOrEqual(0.99);

    // One run for all: the original and both variants timed back to back, outputs compared again.
    await page.getByRole('button', { name: /^Re-measure all/ }).click();
    await measured(page);
    expect(await page.getByTestId('mixed-rounds').count()).toBe(0);
    for (const r of [variantRow(page, 'original'), first, second]) expect(await r.locator('[data-metric="latency"]').textContent()).toMatch(/ms/);
    expect(await readCosines(first)).toHaveLength(1);
    expect(await readCosines(second)).toHaveLength(1);
    console.info(`[mlp two variants e2e] ${(await page.getByTestId('comparison-table').innerText()).replace(/\s+/g, ' ')}`);

    const fileName = 'mlp.int4.onnx';
    const [download] = await Promise.all([page.waitForEvent('download'), second.getByRole('button', { name: /^Download / }).click()]);
    expect(download.suggestedFilename()).toBe(fileName);
    const bytes = new Uint8Array(await readFile(await download.path()));
    expect(bytes.byteLength).toBeLessThan(original.byteLength);
    await runsInOnnxruntime(bytes);

    await first.getByRole('button', { name: 'Remove int8-static' }).click();
    await expect.poll(() => page.getByTestId('comparison-table').locator('tbody tr').count()).toBe(2);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('a model dropped together with its external data file opens, quantizes and compares', async () => {
    const { page, errors } = await openStudio();
    const { model, files } = mlpWithExternalData();
    await dropFiles(page, [{ name: 'mlp-external.onnx', bytes: encodeModel(model) }, ...[...files].map(([name, bytes]) => ({ name, bytes }))]);
    await page.getByTestId('summary').waitFor();
    expect(await page.getByTestId('summary').getByRole('heading', { name: 'mlp-external.onnx' }).isVisible()).toBe(true);
    expect(await page.getByRole('alert').count()).toBe(0);
    const row = await compressWith(page, 'int8-weight', 'int8-weight');
    for (const c of await readCosines(row)) expect(c).toBeGreaterThanOrEqual(0.999);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('try the sample model: a real PaddleOCR model, quantized and compared (screenshot for the README)', async () => {
    const { page, errors } = await openStudio();
    await page.getByRole('button', { name: 'Try the sample model' }).click();
    const summary = page.getByTestId('summary');
    await summary.waitFor();
    expect(await summary.getByRole('heading', { name: 'paddleocr-cls.onnx' }).isVisible()).toBe(true);
    expect(await summary.textContent()).toContain('Conv');

    // int8-weight, int8-dynamic (CPU only: it shows its badge) and int4.
    const int8 = await compressWith(page, 'int8-weight', 'int8-weight');
    for (const c of await readCosines(int8)) expect(c).toBeGreaterThanOrEqual(0.999);
    for (const id of ['int8-dynamic', 'int4']) {
      const row = await compressWith(page, id, id);
      for (const c of await readCosines(row)) expect(Number.isFinite(c)).toBe(true);
    }
    await measured(page);
    // Time all of them in one run, so the ratios in the table (and the screenshot) are fair.
    await page.getByRole('button', { name: /^Re-measure all/ }).click();
    await measured(page);
    expect(await page.getByTestId('mixed-rounds').count()).toBe(0);
    expect(await variantRow(page, 'original').locator('[data-metric="latency"]').textContent()).toMatch(/ms/);

    console.info(`[sample e2e] ${(await page.getByTestId('comparison-table').innerText()).replace(/\s+/g, ' ')}`);
    // UPDATE_SCREENSHOT=1 refreshes the README's picture; otherwise it goes to test-results/ (git-ignored).
    const shot = process.env.UPDATE_SCREENSHOT ? resolve(ROOT, 'docs/screenshot.png') : resolve(ROOT, 'test-results/screenshot.png');
    await mkdir(dirname(shot), { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: shot, fullPage: true });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('a file that is not an ONNX model shows the typed error, and the page keeps working', async () => {
    const { page, errors } = await openStudio();
    const safetensorsHeader = new TextEncoder().encode('{"__metadata__":{}}');
    const bytes = new Uint8Array(8 + safetensorsHeader.byteLength);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(safetensorsHeader.byteLength), true);
    bytes.set(safetensorsHeader, 8);
    await dropFiles(page, [{ name: 'weights.onnx', bytes }]);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.getAttribute('data-error-name')).toBe('ModelFormatError');
    expect(await alert.textContent()).toMatch(/Not an ONNX model.*safetensors/s);

    await dropFiles(page, [{ name: 'garbage.onnx', bytes: Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff) }]);
    await expect.poll(() => page.getByRole('alert').getAttribute('data-error-name')).toBe('ModelFormatError');

    await page.getByRole('button', { name: 'Try the sample model' }).click();
    await page.getByTestId('summary').waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
