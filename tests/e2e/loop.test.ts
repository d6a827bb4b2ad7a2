import { describe, expect, it } from 'vitest';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { encodeModel } from '../../src/core/onnx/encode';
import { decodeModel } from '../../src/core/onnx/decode';
import { recipeFromJson } from '../../src/core/recipe/json';
import { mlp } from '../fixtures/models';
import { studioSession } from './support/studio-session';
import { dropFiles, watchErrors } from './support/page-actions';

const session = studioSession();
const ROOT = resolve(import.meta.dirname, '../..');

async function openWithMlp(): Promise<{ page: Page; errors: string[]; original: Uint8Array<ArrayBuffer> }> {
  const context = await session.browser().newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(session.url());
  await page.getByRole('button', { name: 'Try the sample model' }).waitFor();
  const original = encodeModel(mlp());
  await dropFiles(page, [{ name: 'mlp.onnx', bytes: original }]);
  await page.getByTestId('summary').waitFor();
  return { page, errors, original };
}

/** Compresses with `methodId` as the recipe's only step and waits until the variant's outputs are compared. */
async function compressWith(page: Page, methodId: string, rowLabel: string): Promise<Locator> {
  await page.getByTestId('recipe-step').first().getByLabel('Method', { exact: true }).selectOption(methodId);
  await page.getByRole('button', { name: /^Compress with / }).click();
  const row = page.getByTestId('comparison-table').locator(`tbody tr[data-variant="${rowLabel}"]`);
  await row.getByTestId('cosine').first().waitFor({ timeout: 120_000 });
  return row;
}

const layerRow = (page: Page, tensor: string): Locator => page.getByTestId('layers-table').locator(`tbody tr[data-tensor="${tensor}"]`);

async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

describe('the whole loop on one page', () => {
  it('keeps a layer float from the layer table: the override appears, and the variant leaves that layer as it was', async () => {
    const { page, errors, original } = await openWithMlp();
    await page.getByLabel('Override for fc1.weight').selectOption('float');
    const overrides = page.getByTestId('recipe-overrides');
    expect(await overrides.getByLabel('Nodes of override 1').inputValue()).toBe('fc1');
    expect(await overrides.getByLabel('Method of override 1').inputValue()).toBe('float');

    const row = await compressWith(page, 'int8-weight', 'int8-weight');
    expect(await layerRow(page, 'fc1.weight').getByTestId('layer-change').textContent()).toBe('unchanged');
    expect(await layerRow(page, 'fc2.weight').getByTestId('layer-change').textContent()).toMatch(/^SQNR \d+\.\d dB$/);

    await row.getByRole('button', { name: /^Download / }).waitFor();
    await expect.poll(() => row.getByRole('button', { name: /^Download / }).isEnabled(), { timeout: 60_000 }).toBe(true);
    const file = await download(page, () => row.getByRole('button', { name: /^Download / }).click());
    const before = decodeModel(original).graph!.initializer;
    const after = decodeModel(new Uint8Array(file.bytes)).graph!.initializer;
    const fc1 = (list: typeof before) => list.find((t) => t.name === 'fc1.weight')!;
    expect(fc1(after).dataType).toBe(fc1(before).dataType);
    expect(Buffer.from(fc1(after).rawData).equals(Buffer.from(fc1(before).rawData))).toBe(true);
    // The other weight was quantized.
    expect(after.some((t) => t.name === 'fc2.weight' && t.dataType === fc1(before).dataType)).toBe(false);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('draws the original and every variant on the Pareto chart and puts two of them side by side', async () => {
    const { page, errors } = await openWithMlp();
    await compressWith(page, 'int8-weight', 'int8-weight');
    await compressWith(page, 'fp16-weight', 'fp16-weight');
    const chart = page.getByTestId('pareto-chart');
    await expect.poll(() => chart.getAttribute('data-points'), { timeout: 120_000 }).toBe('3');
    await expect.poll(() => chart.locator('.recharts-scatter-symbol').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    expect((await page.getByTestId('pareto-front').textContent())!.length).toBeGreaterThan(0);
    const ab = page.getByTestId('ab-view');
    await ab.getByLabel('A', { exact: true }).selectOption({ label: 'int8-weight' });
    await ab.getByLabel('B', { exact: true }).selectOption({ label: 'fp16-weight' });
    const cells = await ab.locator('tr[data-metric="size"] td').allTextContents();
    console.info(`[loop e2e] A/B size: ${cells.join(' | ')}; front: ${await page.getByTestId('pareto-front').textContent()}`);
    expect(cells[2]).toMatch(/larger/);
    expect(await ab.locator('tr[data-metric="cosine"] td').count()).toBeGreaterThanOrEqual(3);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("exports a variant's recipe as JSON and imports it back into the editor", async () => {
    const { page, errors } = await openWithMlp();
    await page.getByLabel('Override for fc2.weight').selectOption('float');
    await compressWith(page, 'int8-weight', 'int8-weight');
    const file = await download(page, () => page.getByRole('button', { name: 'Export the recipe JSON of int8-weight' }).click());
    expect(file.name).toBe('mlp.int8.recipe.json');
    const json = JSON.parse(file.bytes.toString('utf8'));
    expect(json.version).toBe(1);
    expect(recipeFromJson(json)).toMatchObject({ steps: [{ method: 'int8-weight' }], overrides: [{ nodes: 'fc2', method: 'float' }] });

    // Change the editor, then load the file back.
    await page.getByRole('button', { name: 'Remove override 1' }).click();
    await page.getByTestId('recipe-step').first().getByLabel('Method', { exact: true }).selectOption('int4');
    expect(await page.getByTestId('recipe-overrides').getByLabel('Nodes of override 1').count()).toBe(0);
    await page.getByTestId('recipe-import-input').setInputFiles({ name: file.name, mimeType: 'application/json', buffer: file.bytes });
    await page.getByTestId('recipe-imported').waitFor();
    expect(await page.getByTestId('recipe-step').first().getByLabel('Method', { exact: true }).inputValue()).toBe('int8-weight');
    expect(await page.getByTestId('recipe-overrides').getByLabel('Nodes of override 1').inputValue()).toBe('fc2');
    expect(await page.getByLabel('Override for fc2.weight').inputValue()).toBe('float');

    // A file that is not a recipe says why and leaves the editor as it was.
    await page.getByTestId('recipe-import-input').setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"steps": []}') });
    await page.getByTestId('recipe-file').getByRole('alert').waitFor();
    expect(await page.getByTestId('recipe-file').getByRole('alert').textContent()).toMatch(/expected at least one step/);
    expect(await page.getByTestId('recipe-step').first().getByLabel('Method', { exact: true }).inputValue()).toBe('int8-weight');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('on the sample model, a 50% unstructured pruning is marked smaller only gzipped, beside int8 weights (screenshot of the trade-offs)', async () => {
    const context = await session.browser().newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(session.url());
    await page.getByRole('button', { name: 'Try the sample model' }).click();
    await page.getByTestId('summary').waitFor();
    const int8 = await compressWith(page, 'int8-weight', 'int8-weight');
    const pruned = await compressWith(page, 'prune-unstructured', 'prune-unstructured');
    expect(await pruned.getByTestId('gzip-only').textContent()).toBe('smaller only gzipped');
    expect(await int8.getByTestId('gzip-only').count()).toBe(0);
    const gzip = async (row: Locator) => (await row.locator('[data-metric="gzip"]').innerText()).replace(/\s+/g, ' ');
    console.info(`[loop e2e, sample] gzip: original ${await gzip(page.getByTestId('comparison-table').locator('tbody tr[data-variant="original"]'))}; int8-weight ${await gzip(int8)}; prune-unstructured ${await gzip(pruned)}`);
    // The pruned variant's layers show their sparsity.
    await page.getByLabel('Changes in').selectOption({ label: 'prune-unstructured' });
    await expect.poll(() => page.getByTestId('layers-table').getByTestId('layer-change').first().textContent()).toMatch(/% zeros/);
    const chart = page.getByTestId('pareto-chart');
    await expect.poll(() => chart.getAttribute('data-points'), { timeout: 120_000 }).toBe('3');
    // UPDATE_SCREENSHOT=1 refreshes the README's picture; otherwise it goes to test-results/ (git-ignored).
    const shot = process.env.UPDATE_SCREENSHOT ? resolve(ROOT, 'docs/tradeoffs.png') : resolve(ROOT, 'test-results/tradeoffs.png');
    await mkdir(dirname(shot), { recursive: true });
    await page.getByTestId('tradeoffs').screenshot({ path: shot });
    expect(errors).toEqual([]);
    await context.close();
  });
});
