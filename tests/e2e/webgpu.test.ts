import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/core/onnx/encode';
import { mlp } from '../fixtures/models';
import { studioSession } from './support/studio-session';
import { dropFiles, watchErrors } from './support/page-actions';

const session = studioSession({ webgpu: true });

describe('WebGPU backend (tiny model: the software adapter is slow)', () => {
  it('runs the original and the int8 model on WebGPU and compares them', async (ctx) => {
    const page = await session.browser().newPage();
    const errors = watchErrors(page);
    await page.goto(session.url());
    const adapter = await page.evaluate(async () => {
      const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string } } | null> } }).gpu;
      if (!gpu) return { present: false, adapter: null };
      const a = await gpu.requestAdapter();
      return { present: true, adapter: a ? { vendor: a.info?.vendor ?? '', architecture: a.info?.architecture ?? '', description: a.info?.description ?? '' } : null };
    });
    if (!adapter.adapter) {
      const reason = adapter.present
        ? 'navigator.gpu.requestAdapter() returned null in this Chromium: the WebGPU path was NOT tested here.'
        : 'navigator.gpu is missing in this Chromium: the WebGPU path was NOT tested here.';
      console.warn(`[webgpu e2e] ${reason}`);
      await page.close();
      ctx.skip(reason);
      return;
    }
    console.info(`[webgpu e2e] adapter: ${JSON.stringify(adapter.adapter)}`);

    // A drop lands once the page is there (the studio opens its storage before it shows).
    await page.getByRole('button', { name: 'Try the sample model' }).waitFor();
    await dropFiles(page, [{ name: 'mlp.onnx', bytes: encodeModel(mlp()) }]);
    await page.getByTestId('summary').waitFor();
    const select = page.getByLabel('Measure on');
    await expect.poll(() => select.locator('option').allTextContents(), { timeout: 30_000 }).toContain('WebGPU');
    await select.selectOption('webgpu');
    await page.getByRole('button', { name: 'Compress with int8-weight' }).click();

    const comparison = page.getByTestId('comparison');
    await comparison.waitFor();
    await expect
      .poll(async () => ((await page.getByTestId('cosine').count()) > 0 ? 'done' : ((await page.getByTestId('error-list').getByRole('alert').first().textContent().catch(() => null)) ?? 'waiting')), {
        timeout: 150_000,
        interval: 500,
      })
      .toBe('done');
    expect(await comparison.textContent()).toContain('WebGPU');
    console.info(`[webgpu e2e] ${(await page.getByTestId('comparison-table').innerText()).replace(/\s+/g, ' ')}`);
    for (const c of (await page.getByTestId('cosine').allTextContents()).map(Number)) expect(c).toBeGreaterThanOrEqual(0.999);
    expect(errors).toEqual([]);
    await page.close();
  });
});
