import { describe, expect, it } from 'vitest';
import { GOALS, goalRecipe } from '../../../src/core/recipe';
import { applyRecipe } from '../../../src/core/recipe/apply';
import { getMethod } from '../../../src/core/methods/registry';
import { transformerBlock } from '../../fixtures/models';
import { createNodeRuntime } from '../../../src/runtime/node';
import { modelOpener } from '../../../src/runtime/calibrate';
import { runModel, seededFeeds, worstCosine } from '../methods/run-helpers';
import { cli, tempDir } from '../../cli/cli-harness';
import { encodeModel } from '../../../src/core/onnx/encode';

const runtime = createNodeRuntime();

describe('goals', () => {
  it('every goal is a valid recipe of registered methods, and an unknown goal lists the known ones', () => {
    for (const g of GOALS) for (const step of goalRecipe(g.id).steps) expect(getMethod(step.method).id).toBe(step.method);
    expect(() => goalRecipe('tiny')).toThrow(/Unknown goal 'tiny'; expected one of fastest-cpu, smallest/);
  });

  it('each goal applied to the transformer block runs in onnxruntime-web close to the original', async () => {
    const model = transformerBlock();
    const feeds = seededFeeds({ x: { dtype: 'float32', dims: [1, 5, 32] } }, 9);
    const ref = await runModel(runtime, model, feeds);
    for (const g of GOALS) {
      const out = await applyRecipe(model, goalRecipe(g.id), { openModel: modelOpener(runtime) });
      const cand = await runModel(runtime, out.model, feeds);
      expect(worstCosine(ref, cand), g.id).toBeGreaterThan(0.98);
    }
  });

  it('compress --goal uses the goal\'s recipe; recipes lists the goals', async () => {
    const tmp = tempDir();
    try {
      const model = tmp.write('t.onnx', encodeModel(transformerBlock()));
      const r = await cli('compress', model, '--goal', 'smallest', '-o', tmp.path('s.onnx'), '--json');
      expect(r.code).toBe(0);
      expect((JSON.parse(r.stdout) as { steps: { method: string }[] }).steps.map((s) => s.method)).toEqual(['int4', 'int8-weight']);
      const bad = await cli('compress', model, '--goal', 'tiny', '-o', tmp.path('x.onnx'));
      // A recipe error, like an unknown method in --recipe.
      expect(bad.code).toBe(3);
      expect(bad.stderr).toMatch(/Unknown goal 'tiny'/);
      const both = await cli('compress', model, '--goal', 'smallest', '--recipe', 'int8-weight', '-o', tmp.path('x.onnx'));
      expect(both.stderr).toMatch(/one of --recipe, --recipe-file or --goal/);
      const list = await cli('recipes');
      for (const g of GOALS) expect(list.stdout).toContain(g.id);
    } finally {
      tmp.cleanup();
    }
  });
});
