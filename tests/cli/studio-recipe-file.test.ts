import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/core/onnx/encode';
import { decodeModel } from '../../src/core/onnx/decode';
import { declarations } from '../../src/core/methods/declarations';
import { toMethodInfo } from '../../src/ui/store/method-info';
import { createStudioStore } from '../../src/ui/store/studio-store';
import { selectRecipe } from '../../src/ui/store/recipe-slice';
import { recipeFileText } from '../../src/ui/store/recipe-file';
import { DT } from '../../src/core/ir/dtype';
import { mlp } from '../fixtures/models';
import { fakeRecipeText, fakeServices } from '../ui/fakes';
import { describeLayerChange, layerChangeOf, refitsByNode } from '../../src/ui/store/layer-changes';
import { analyzeModel } from '../../src/core/analyze/summary';
import { cli, tempDir } from './cli-harness';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe("the studio's recipe file on the command line", () => {
  it('a recipe exported from the editor (a step with options, a layer kept float) runs with --recipe-file and keeps that layer as it was', async () => {
    const store = createStudioStore({ services: fakeServices().services, methods: declarations.map(toMethodInfo), recipeText: fakeRecipeText });
    const s = store.getState();
    s.setStepMethod(0, 'int8-weight');
    s.setStepOption(0, 'perChannel', false);
    s.overrideNodes('fc1', 'float');
    const modelPath = tmp.write('mlp.onnx', encodeModel(mlp()));
    const recipePath = tmp.write('mlp.recipe.json', recipeFileText(selectRecipe(store.getState())));
    const out = tmp.path('mlp.small.onnx');
    const r = await cli('compress', modelPath, '--recipe-file', recipePath, '-o', out, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).steps[0]).toMatchObject({ method: 'int8-weight', options: { perChannel: false } });
    const before = decodeModel(encodeModel(mlp())).graph!.initializer;
    const after = decodeModel(new Uint8Array(readFileSync(out))).graph!.initializer;
    const fc1Before = before.find((t) => t.name === 'fc1.weight')!;
    const fc1After = after.find((t) => t.name === 'fc1.weight')!;
    // Kept float: the same dtype and the same bytes.
    expect(fc1After.dataType).toBe(fc1Before.dataType);
    expect(Buffer.from(fc1After.rawData).equals(Buffer.from(fc1Before.rawData))).toBe(true);
    // fc2 was quantized: its float weight is gone, an int8 one took its place.
    expect(after.some((t) => t.name === 'fc2.weight' && t.dataType === fc1Before.dataType)).toBe(false);
    expect(after.some((t) => t.name.startsWith('fc2.weight') && t.dataType === DT.INT8)).toBe(true);
  });

  it("a reconstruct step's changes carry each layer's output SQNR before and after refitting, as the layer table shows it", async () => {
    const modelPath = tmp.write('mlp-refit.onnx', encodeModel(mlp()));
    const r = await cli('compress', modelPath, '--recipe', 'prune-unstructured:sparsity=0.5+reconstruct:samples=8', '-o', tmp.path('mlp-refit.out.onnx'), '--json');
    expect(r.code).toBe(0);
    const { steps } = JSON.parse(r.stdout);
    const fc1 = layerChangeOf(steps, 'fc1.weight', ['fc1'])!;
    expect(fc1.methods).toEqual(['prune-unstructured', 'reconstruct']);
    expect(fc1.refit!.afterDb).toBeGreaterThan(fc1.refit!.beforeDb);
    // The same figures as the step's own note.
    const note = (steps[1].warnings as string[]).find((w) => w.includes('before -> after refitting'))!;
    expect(note).toContain(`fc1 ${fc1.refit!.beforeDb.toFixed(1)} -> ${fc1.refit!.afterDb.toFixed(1)} dB`);
    // The per-layer error table finds the same figures by the node that reads the weight.
    const layers = analyzeModel(mlp(), encodeModel(mlp()).byteLength).layers;
    expect(refitsByNode(steps, layers).get('fc1')).toEqual(fc1.refit);
    expect(refitsByNode(steps, layers).get('fc2')!.afterDb).toBeGreaterThan(refitsByNode(steps, layers).get('fc2')!.beforeDb);
    const text = describeLayerChange(fc1);
    console.info(`[refit] fc1: ${text.join(' · ')}`);
    expect(text).toContain('50.0% zeros');
    expect(text.some((t) => /^output SQNR [\d.]+ dB → [\d.]+ dB refitted$/.test(t))).toBe(true);
  });
});
