import { describe, expect, it, vi } from 'vitest';
import { modelWorkerApi } from '../../workers/model-api';
import { encodeModel } from '../../src/core/onnx/encode';
import { storedBytes } from '../../src/core/methods/stored-bytes';
import { mlp } from '../fixtures/models';
import { modelOpener } from '../../src/runtime/calibrate';
import { createNodeRuntime } from '../../src/runtime/node';

vi.mock('../../src/core/methods/declarations', async (importOriginal) => (await import('../fixtures/with-test-method')).declarationsWithTestMethod(importOriginal));
vi.mock('../../src/core/methods/registry', async (importOriginal) => (await import('../fixtures/with-test-method')).registryWithTestMethod(importOriginal));

describe('model worker API with a method registered by the test', () => {
  it('runs it and returns its step report: the sparsity changes and the totals, with no worker code of its own', async () => {
    const model = mlp();
    const result = await modelWorkerApi.compress({ model: encodeModel(model), external: {} }, { version: 1, steps: [{ method: 'zero-fraction', options: { fraction: 0.25 } }] });
    expect(result.steps).toHaveLength(1);
    const [step] = result.steps;
    expect(step).toMatchObject({ method: 'zero-fraction', options: { fraction: 0.25, order: 'magnitude' }, tensors: 2, warnings: [] });
    expect(step!.changes.map((c) => c.kind)).toEqual(['sparsity', 'sparsity']);
    for (const c of step!.changes) if (c.kind === 'sparsity') expect(c.zeros).toBe(Math.floor(c.elements / 4));
    expect(step!.before.storedBytes).toBe(storedBytes(model));
    expect(step!.after.gzipBytes).toBeLessThan(step!.before.gzipBytes);
    expect(result.calibration).toBeUndefined();
    // The report crosses the worker boundary as it is: structured clone keeps every field.
    expect(structuredClone(result.steps)).toEqual(result.steps);
  });

  it('gives methods the original model as their teacher, run through the runtime it was handed', async () => {
    const result = await modelWorkerApi.compress(
      { model: encodeModel(mlp()), external: {} },
      { steps: [{ method: 'int8-weight', options: {} }, { method: 'teacher-probe', options: {} }] },
      undefined,
      modelOpener(createNodeRuntime()),
    );
    expect(result.steps[1]!.warnings).toEqual([expect.stringMatching(/^teacher ran: '\S+' has \d+ values; the teacher is the original, not this step's input\.$/)]);
  });

  it('refuses a recipe whose method needs the teacher when the worker was given no runtime to run it', async () => {
    await expect(modelWorkerApi.compress({ model: encodeModel(mlp()), external: {} }, { steps: [{ method: 'teacher-probe', options: {} }] })).rejects.toMatchObject({
      name: 'RecipeError',
      message: expect.stringMatching(/'teacher-probe' learns from the original model, so it needs a teacher .*this host gave none/),
    });
  });

  it('mixes it with a real method in one recipe, each step measured on the model the step before left', async () => {
    const result = await modelWorkerApi.compress({ model: encodeModel(mlp()), external: {} }, { steps: [{ method: 'zero-fraction', options: {} }, { method: 'int8-weight', options: {} }] });
    expect(result.steps.map((s) => s.method)).toEqual(['zero-fraction', 'int8-weight']);
    expect(result.steps[1]!.before).toEqual(result.steps[0]!.after);
    expect(result.steps[1]!.changes.every((c) => c.kind === 'weight-error')).toBe(true);
  });
});
