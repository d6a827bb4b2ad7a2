// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { fakeStudio, onnxFile, settle } from './fakes';

describe('opening a file while a model is open', () => {
  it('a bad file shows its typed error and leaves the open workspace exactly as it was', async () => {
    const { store, registry } = fakeStudio();
    await store.getState().openFiles([onnxFile('net.onnx')]);
    await store.getState().compress();
    store.getState().setStepMethod(0, 'int4');
    const before = store.getState();
    const bytesBefore = [before.model!.id, ...before.variants.map((v) => v.id)].map((id) => registry.get(id)?.model.size);

    await store.getState().openFiles([new File(['PK\u0003\u0004 not onnx'], 'weights.onnx')]);
    const after = store.getState();
    expect(after.loadError).toEqual({ name: 'ModelFormatError', message: expect.stringContaining('ONNX protobuf') });
    expect(after.loadStatus).toBe('ready');
    for (const key of ['model', 'summary', 'variants', 'measurements', 'loadChecks', 'recipeSteps', 'evaluation'] as const) expect(after[key]).toBe(before[key]);
    expect([after.model!.id, ...after.variants.map((v) => v.id)].map((id) => registry.get(id)?.model.size)).toEqual(bytesBefore);
    // The bad file's bytes did not stay behind in the registry.
    expect(registry.get('m3')).toBeUndefined();
  });

  it('the workspace stays on screen while the next model is read, and is replaced once it is', async () => {
    const { store } = fakeStudio({ holdAnalyze: (id) => id === 'm3' });
    await store.getState().openFiles([onnxFile('a.onnx')]);
    await store.getState().compress();
    const opening = store.getState().openFiles([onnxFile('b.onnx')]);
    await settle();
    expect(store.getState()).toMatchObject({ loadStatus: 'loading', opening: 'b.onnx', model: { name: 'a.onnx' } });
    expect(store.getState().variants).toHaveLength(1);
    // A newer open supersedes the held one; the workspace is replaced by that one.
    await store.getState().openFiles([onnxFile('c.onnx')]);
    await opening;
    expect(store.getState()).toMatchObject({ loadStatus: 'ready', opening: null, model: { name: 'c.onnx' }, variants: [] });
  });

  it('a file that cannot be split into one model keeps the workspace too', async () => {
    const { store } = fakeStudio();
    await store.getState().openFiles([onnxFile('net.onnx')]);
    const model = store.getState().model;
    await store.getState().openFiles([onnxFile('a.onnx'), onnxFile('b.onnx')]);
    expect(store.getState().model).toBe(model);
    expect(store.getState().loadError?.message).toMatch(/2 \.onnx files/);
  });
});
