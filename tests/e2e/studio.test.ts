import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { encodeModel } from '../../src/core/onnx/encode';
import { createNodeRuntime } from '../../src/runtime/node';
import { synthesizeModelInputs } from '../../src/core/evaluate/inputs';
import { decodeModel } from '../../src/core/onnx/decode';
import { mlp, mlpWithExternalData } from '../fixtures/models';
import { startPreview, type PreviewServer } from './support/preview-server';
import { launchChromium } from './support/chromium';
import { dropFiles, watchErrors } from './support/page-actions';

const ROOT = resolve(import.meta.dirname, '../..');

let server: PreviewServer;
let browser: Browser;

beforeAll(async () => {
  server = await startPreview();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function openStudio(): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Try the sample model' }).waitFor();
  return { page, errors };
}

async function quantizeAndWait(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Quantize to int8' }).click();
  await page.getByTestId('comparison').waitFor();
  await page.getByTestId('cosine').first().waitFor({ timeout: 120_000 });
}

async function readCosines(page: Page): Promise<number[]> {
  return (await page.getByTestId('cosine').allTextContents()).map(Number);
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

    await quantizeAndWait(page);
    const table = page.getByTestId('comparison-table');
    const sizeRow = await table.locator('tr[data-metric="size"]').textContent();
    expect(sizeRow).toMatch(/smaller/);
    await expect.poll(() => table.locator('tr[data-metric="latency"]').textContent(), { timeout: 60_000 }).toMatch(/ms.*ms/);
    const cosines = await readCosines(page);
    console.info(`[mlp e2e] ${(await table.innerText()).replace(/\s+/g, ' ')}`);
    expect(cosines.length).toBeGreaterThan(0);
    for (const c of cosines) expect(c).toBeGreaterThanOrEqual(0.999);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^Download / }).click()]);
    expect(download.suggestedFilename()).toBe('mlp.int8.onnx');
    const path = await download.path();
    const bytes = new Uint8Array(await readFile(path));
    expect(bytes.byteLength).toBeLessThan(original.byteLength);

    const decoded = decodeModel(bytes);
    expect(decoded.graph?.node.some((n) => n.opType === 'DequantizeLinear')).toBe(true);
    const runtime = createNodeRuntime();
    const session = await runtime.createSession(bytes);
    const [feeds] = synthesizeModelInputs(decoded, { seed: 1, count: 1 });
    const outputs = await session.run(feeds!);
    await session.release();
    const values = Object.values(outputs);
    expect(values.length).toBeGreaterThan(0);
    for (const t of values) expect([...(t.data as Float32Array)].every(Number.isFinite)).toBe(true);

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
    await quantizeAndWait(page);
    for (const c of await readCosines(page)) expect(c).toBeGreaterThanOrEqual(0.999);
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

    await quantizeAndWait(page);
    for (const c of await readCosines(page)) expect(c).toBeGreaterThanOrEqual(0.999);
    await expect.poll(() => page.getByTestId('comparison-table').locator('tr[data-metric="latency"]').textContent()).toMatch(/ms.*ms/);

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
