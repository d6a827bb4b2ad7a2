import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/core/onnx/encode';
import { mlp } from '../fixtures/models';
import { studioSession } from './support/studio-session';
import { dropFiles, watchErrors } from './support/page-actions';

const session = studioSession({ webgpu: true });

describe('device panel (software WebGPU adapter: slow, tiny model)', () => {
  it('probes the device (cores, isolation, WASM features, adapter, measured GFLOP/s) and checks WebGPU against WASM on the mlp', async (ctx) => {
    const page = await session.browser().newPage();
    const errors = watchErrors(page);
    await page.goto(session.url());
    const panel = page.getByTestId('device-panel');
    await panel.getByRole('button', { name: 'Probe this device' }).click();
    const profile = panel.getByTestId('device-profile');
    await expect
      .poll(async () => ((await profile.count()) > 0 ? 'done' : ((await panel.getByRole('alert').textContent().catch(() => null)) ?? 'waiting')), { timeout: 240_000, interval: 500 })
      .toBe('done');
    const text = (await profile.innerText()).replace(/\s+/g, ' ');
    console.info(`[device e2e] ${text}`);
    expect(text).toMatch(/Logical cores \d+/);
    // The preview server sends COOP/COEP, so the page is isolated and WASM threads are usable.
    expect(text).toMatch(/Cross-origin isolated yes/);
    expect(text).toMatch(/WASM SIMD yes/);
    expect(text).toMatch(/WASM threads yes \(onnxruntime uses \d+\)/);
    expect(text).toMatch(/Relaxed SIMD (yes|no)/);
    const wasmGflops = Number(await profile.getByTestId('figures-wasm').getByTestId('gflops').textContent());
    expect(wasmGflops).toBeGreaterThan(0);
    expect(Number(await profile.getByTestId('figures-wasm').getByTestId('gbps').textContent())).toBeGreaterThan(0);

    const hasAdapter = !/WebGPU adapter none/.test(text);
    if (!hasAdapter) {
      // The WASM half above was checked; the report shows the test as skipped, not passed.
      expect(errors).toEqual([]);
      await page.close();
      ctx.skip('no WebGPU adapter in this Chromium: the WebGPU figures and the cross-backend check were not tested');
      return;
    }
    expect(await profile.getByTestId('device-webgpu').innerText()).toMatch(/maxStorageBufferBindingSize \d/);
    expect(Number(await profile.getByTestId('figures-webgpu').getByTestId('gflops').textContent())).toBeGreaterThan(0);

    await dropFiles(page, [{ name: 'mlp.onnx', bytes: encodeModel(mlp()) }]);
    await page.getByTestId('summary').waitFor();
    await panel.getByRole('button', { name: 'Check WebGPU against WASM' }).click();
    const verdict = panel.getByTestId('crosscheck-verdict');
    await expect
      .poll(async () => ((await verdict.count()) > 0 ? 'done' : ((await panel.getByTestId('crosscheck-error').textContent().catch(() => null)) ?? 'waiting')), {
        timeout: 150_000,
        interval: 500,
      })
      .toBe('done');
    console.info(`[device e2e] ${(await panel.getByTestId('crosscheck').innerText()).replace(/\s+/g, ' ')}`);
    expect(await verdict.textContent()).toMatch(/^WebGPU agrees with WASM on 2 inputs/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
