import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { encodeModel } from '../../src/core/onnx/encode';
import { decodeModel } from '../../src/core/onnx/decode';
import { createNodeRuntime } from '../../src/runtime/node';
import { synthesizeModelInputs } from '../../src/core/evaluate/inputs';
import { voiceActivity, VAD_SAMPLES } from '../fixtures/voice-activity';
import { studioSession } from './support/studio-session';
import { dropFiles, watchErrors } from './support/page-actions';
import { clearLongTasks, longest, readLongTasks, recordLongTasks } from './support/long-tasks';
import { describeTasks, traceMainThread } from './support/main-thread-trace';
import { cpus, loadavg } from 'node:os';

const session = studioSession();

async function openStudio(): Promise<{ page: Page; errors: string[] }> {
  const context = await session.browser().newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await recordLongTasks(page);
  await page.goto(session.url());
  await page.getByRole('button', { name: 'Try the sample model' }).waitFor();
  return { page, errors };
}

const variantRow = (page: Page, label: string): Locator => page.getByTestId('comparison-table').locator(`tbody tr[data-variant="${label}"]`);

/** Waits until no model is queued or being measured. */
async function measured(page: Page): Promise<void> {
  await expect
    .poll(() => page.getByTestId('comparison-table').locator('tbody tr[data-status="queued"], tbody tr[data-status="running"]').count(), { timeout: 170_000 })
    .toBe(0);
}

async function compress(page: Page, methodId: string): Promise<void> {
  await page.getByTestId('recipe-step').first().getByLabel('Method', { exact: true }).selectOption(methodId);
  await page.getByRole('button', { name: /^Compress with / }).click();
}

describe('measurements a user can trust, on a model with unnamed dims', () => {
  it('a [?, ?] model with a reflect Pad: the failure names the guessed dims, Download works anyway, then sizes and the sample rate set in their fields make it measurable', async () => {
    const { page, errors } = await openStudio();
    await dropFiles(page, [{ name: 'vad.onnx', bytes: encodeModel(voiceActivity()) }]);
    await page.getByTestId('summary').waitFor();

    // Every unknown dim has a field, by input and axis, and the scalar sample rate has a value field.
    const sizes = page.getByTestId('input-sizes');
    expect(await sizes.getByLabel('Size of input[0]').getAttribute('placeholder')).toBe('1');
    expect(await sizes.getByLabel('Size of input[1]').getAttribute('placeholder')).toBe('16');
    expect(await sizes.getByLabel('Value of sr').getAttribute('placeholder')).toBe('random');

    // Before any measurement, the summary's MACs follow the size typed (counted on the analysis worker).
    const macsStat = page.getByTestId('summary').locator('.stat').filter({ has: page.locator('dt', { hasText: /^MACs$/ }) });
    const macsValue = () => macsStat.locator('dd').textContent();
    const loadTime = await macsValue();
    expect(await macsStat.getAttribute('title')).toMatch(/until measured$/);
    await clearLongTasks(page);
    const typing = await traceMainThread(session.browser(), page, async () => {
      await sizes.getByLabel('Size of input[1]').fill(String(VAD_SAMPLES));
      // Conv 16 x 129 taps x 16 steps at 512 samples, head 16 x 2.
      await expect.poll(macsValue, { timeout: 30_000 }).toBe('33.1 k');
      expect(await macsStat.getAttribute('title')).toBe('Conv/MatMul/Gemm, counted from shapes at input [1×512], sr [], the sizes set (not measured at them yet); guessed input[0]=1');
      await sizes.getByLabel('Size of input[1]').fill('4096');
      // Eight times the samples: 128 steps.
      await expect.poll(macsValue, { timeout: 30_000 }).toBe('264.2 k');
      await sizes.getByLabel('Size of input[1]').fill('');
      await expect.poll(macsValue, { timeout: 30_000 }).toBe(loadTime);
    });
    const typingLong = longest(await readLongTasks(page));
    console.info(`[measure e2e] while typing sizes: longest long task ${typingLong.toFixed(0)} ms; ${typing.length ? describeTasks(typing) : 'no main-thread task over 50 ms'}; load ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`);
    for (const t of typing) expect(t.cpuMs, `main-thread task: ${describeTasks([t])}`).toBeLessThanOrEqual(200);
    if (loadavg()[0]! < cpus().length) expect(typingLong).toBeLessThanOrEqual(200);

    // At the guessed [1, 16] the reflect Pad cannot run: the error says which dims were guessed and where to set them.
    await compress(page, 'int8-weight');
    await page.getByTestId('comparison').waitFor();
    const row = variantRow(page, 'int8-weight');
    await measured(page);
    const alert = page.getByRole('alert').filter({ hasText: 'Pad' }).first();
    await alert.waitFor();
    const message = await alert.textContent();
    expect(message).toContain('unknown dims were guessed (input[0]=1, input[1]=16)');
    expect(message).toContain('sr=random in [0, 10)');
    expect(message).toContain('set them under Input sizes');

    // Download does not wait for a measurement: the variant saves under a name that says its recipe, and runs.
    const button = row.getByRole('button', { name: 'Download vad.int8.onnx' });
    expect(await button.isDisabled()).toBe(false);
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    expect(download.suggestedFilename()).toBe('vad.int8.onnx');
    const bytes = new Uint8Array(await readFile(await download.path()));
    const runtime = createNodeRuntime();
    const s = await runtime.createSession(bytes);
    const [feeds] = synthesizeModelInputs(decodeModel(bytes), { seed: 1, count: 1, dims: { 'input[1]': VAD_SAMPLES }, values: { sr: 16000 } });
    const out = await s.run(feeds!);
    await s.release();
    expect(out.prob!.dims).toEqual([1, 2]);

    // Sizes and the value set in their fields: the next measurement runs.
    await sizes.getByLabel('Size of input[1]').fill(String(VAD_SAMPLES));
    await sizes.getByLabel('Value of sr').fill('16000');
    // The variant's note in the comparison follows the same sizes, before it is measured at them.
    await expect.poll(() => row.page().getByTestId('variant-macs').first().textContent(), { timeout: 30_000 }).toBe('MACs at the sizes set (input [1×512], sr []): 33.1 k, the original 33.1 k');
    await page.getByLabel('Timed runs per model').fill('20');
    await page.getByRole('button', { name: /^Re-measure all/ }).click();
    await measured(page);
    expect(await row.getAttribute('data-status')).toBe('done');
    expect(await row.locator('[data-metric="latency"]').textContent()).toMatch(/ms/);
    const cosine = Number(await row.getByTestId('cosine').first().textContent());
    expect(cosine).toBeGreaterThan(0.99);
    // prob has 2 numbers per input: 16 inputs pooled, and the page says so.
    expect(await page.getByTestId('fidelity-inputs').textContent()).toBe('16');
    expect(await page.getByTestId('comparison').textContent()).toContain(`input [1×${VAD_SAMPLES}]`);
    await expectConsistentSpeed(row);
    // The summary's MACs now count at the sizes measured: Conv 16 x 129 taps x 16 steps, head 16 x 2.
    const macs = page.getByTestId('summary').locator('.stat[title*="the sizes last measured"]');
    expect(await macs.getAttribute('title')).toMatch(/^Conv\/MatMul\/Gemm, counted from shapes at input \[1×512\], sr \[\]/);
    expect(await macs.textContent()).toContain('33.1');
    console.info(`[measure e2e] ${(await page.getByTestId('comparison-table').innerText()).replace(/\s+/g, ' ')}`);

    // A variant with the same compute (float16 storage, cast back at load): its label agrees with its interval.
    await compress(page, 'fp16-weight');
    const same = variantRow(page, 'fp16-weight');
    await same.waitFor();
    await measured(page);
    await page.getByRole('button', { name: /^Re-measure all/ }).click();
    await measured(page);
    const verdict = await expectConsistentSpeed(same);
    console.info(`[measure e2e] fp16-weight vs original: ${verdict}`);
    expect(await same.getByRole('button', { name: /^Download / }).getAttribute('aria-label')).toBe('Download vad.fp16-weight.onnx');

    // A recipe that changes nothing (every weight below its minimum size) adds no variant, and says so.
    const step = page.getByTestId('recipe-step').first();
    await step.getByLabel('Method', { exact: true }).selectOption('int8-weight');
    await step.getByLabel('Minimum weight size').fill('100000');
    await page.getByRole('button', { name: /^Compress with / }).click();
    const notice = page.getByTestId('compress-notice');
    await notice.waitFor({ timeout: 60_000 });
    expect(await notice.textContent()).toMatch(/changed nothing in this model: the result is the original, so it was not added/);
    expect(await page.getByTestId('comparison-table').locator('tbody tr').count()).toBe(3);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

/** The speed cell's label matches its interval: "same speed" (neutral) exactly when the interval contains 1. */
async function expectConsistentSpeed(row: Locator): Promise<string> {
  const cell = row.locator('[data-metric="speed"]');
  const interval = await cell.getByTestId('speed-interval').textContent();
  const [low, high] = [...interval!.matchAll(/(\d+\.\d+)×/g)].map((m) => Number(m[1])).slice(-2);
  const text = await cell.getByTestId('speed-verdict').textContent();
  const className = (await cell.getAttribute('class')) ?? '';
  if (low! <= 1 && high! >= 1) {
    expect(text).toBe('same speed');
    expect(className).not.toMatch(/good|bad/);
  } else {
    expect(text).toMatch(low! > 1 ? /faster/ : /slower/);
    expect(className).toMatch(low! > 1 ? /good/ : /bad/);
  }
  return `${text} (${interval})`;
}
