import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/core/onnx/encode';
import { applyRecipe } from '../../src/core/recipe/apply';
import { parseRecipe } from '../../src/core/recipe/parse';
import { createNodeRuntime } from '../../src/runtime/node';
import { modelOpener } from '../../src/runtime/calibrate';
import { mlp } from '../fixtures/models';
import { studioSession } from './support/studio-session';
import { dropFiles, watchErrors } from './support/page-actions';

const session = studioSession({ webgpu: true });

/** The studio's cross-backend check on one dropped model: the verdict text, or the error it showed. */
async function crossCheck(name: string, bytes: Uint8Array): Promise<{ verdict?: string; placement?: string; error?: string; detail: string; noAdapter?: true; shaderF16?: boolean }> {
  const page = await session.browser().newPage();
  const errors = watchErrors(page);
  try {
    await page.goto(session.url());
    const adapter = await page.evaluate(async () => {
      const a = await (navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ features: Set<string> } | null> } }).gpu?.requestAdapter();
      return a ? { shaderF16: a.features.has('shader-f16') } : null;
    });
    if (!adapter) return { noAdapter: true, detail: '' };
    await dropFiles(page, [{ name, bytes }]);
    await page.getByTestId('summary').waitFor();
    const panel = page.getByTestId('device-panel');
    await panel.getByRole('button', { name: 'Check WebGPU against WASM' }).click();
    const verdict = panel.getByTestId('crosscheck-verdict');
    const error = panel.getByTestId('crosscheck-error');
    await expect.poll(async () => (await verdict.count()) + (await error.count()), { timeout: 150_000, interval: 500 }).toBeGreaterThan(0);
    const detail = (await panel.getByTestId('crosscheck').innerText().catch(async () => await panel.innerText())).replace(/\s+/g, ' ');
    console.info(`[webgpu methods e2e] ${name}: ${detail}`);
    expect(errors).toEqual([]);
    const { shaderF16 } = adapter;
    if ((await verdict.count()) === 0) return { error: (await error.textContent()) ?? '', detail, shaderF16 };
    const placement = (await panel.getByTestId('placement').textContent().catch(() => null)) ?? undefined;
    return { verdict: (await verdict.textContent()) ?? '', detail, shaderF16, ...(placement && { placement }) };
  } finally {
    await page.close();
  }
}

describe('compressed models on WebGPU against WASM, with the nodes that fell back (software adapter: tiny model)', () => {
  const runtime = createNodeRuntime();
  const variant = async (recipe: string) => encodeModel((await applyRecipe(mlp(), parseRecipe(recipe), { openModel: modelOpener(runtime) })).model);

  // int8-dynamic's integer ops run on WASM even in a WebGPU session (the fallback), and the check names
  // the nodes onnxruntime placed off WebGPU.
  const placements: Record<string, RegExp> = {
    'int4:block=32': /^All \d+ nodes ran on WebGPU/,
    // onnxruntime-web 1.30's WebGPU provider has no QuantizeLinear kernel for this model: those nodes run on WASM.
    'int8-static': /^\d+ of \d+ nodes fell back off WebGPU \(CPUExecutionProvider\): QuantizeLinear ×\d+$/,
    'fp16-weight': /^All \d+ nodes ran on WebGPU/,
    'int8-dynamic': /^\d+ of \d+ nodes fell back off WebGPU \(CPUExecutionProvider\): .*MatMulInteger/,
  };
  for (const [recipe, placement] of Object.entries(placements)) {
    it(`${recipe}: WebGPU's outputs agree with WASM's`, async (ctx) => {
      const r = await crossCheck(`mlp.${recipe.split(':')[0]}.onnx`, await variant(recipe));
      if (r.noAdapter) {
        console.warn('[webgpu methods e2e] no WebGPU adapter in this Chromium: NOT tested here.');
        ctx.skip('no WebGPU adapter in this Chromium');
        return;
      }
      expect(r.error).toBeUndefined();
      expect(r.verdict).toMatch(/^WebGPU agrees with WASM/);
      expect(r.placement).toMatch(placement);
    });
  }

  it('fp16 (float16 compute) agrees where the adapter has shader-f16, and otherwise the check says why it cannot run', async (ctx) => {
    const r = await crossCheck('mlp.fp16.onnx', await variant('fp16'));
    if (r.noAdapter) {
      ctx.skip('no WebGPU adapter in this Chromium');
      return;
    }
    if (r.shaderF16) expect(r.verdict).toMatch(/^WebGPU agrees with WASM/);
    else expect(r.error).toMatch(/failed to run the model on webgpu: .*requires f16 but the device does not support it/);
  });
});
