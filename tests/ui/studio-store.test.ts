// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { createStudioStore } from '../../src/ui/store/studio-store';
import { splitDroppedFiles } from '../../src/ui/store/model-slice';
import { progressView } from '../../src/ui/store/compress-slice';
import { variantFileName } from '../../src/ui/store/recipe';
import { fakeMethods, fakeServices, onnxFile } from './fakes';

function setup(control: { holdCompress?: boolean; webgpu?: boolean } = {}) {
  const fake = fakeServices(control);
  const store = createStudioStore({ services: fake.services, methods: fakeMethods });
  return { ...fake, store };
}

describe('model slice', () => {
  it('opens a dropped model and shows its summary', async () => {
    const { store, registry } = setup();
    await store.getState().openFiles([onnxFile()]);
    const s = store.getState();
    expect(s.loadStatus).toBe('ready');
    expect(s.model?.name).toBe('tiny.onnx');
    expect(s.summary?.sizeBytes).toBe(32);
    expect(registry.get(s.model!.id)?.model.size).toBe(32);
    // The store holds no bytes: only serialisable, render-relevant data.
    expect(JSON.parse(JSON.stringify(s.model))).toEqual(s.model);
  });

  it('keeps external data files beside the model', () => {
    const split = splitDroppedFiles([new File(['w'], 'mlp.weights.bin'), onnxFile('mlp.onnx')]);
    expect(split.name).toBe('mlp.onnx');
    expect([...split.external.keys()]).toEqual(['mlp.weights.bin']);
  });

  it('refuses two models at once and a drop with no model, saying what it found', () => {
    expect(() => splitDroppedFiles([onnxFile('a.onnx'), onnxFile('b.onnx')])).toThrow(/2 \.onnx files.*a\.onnx, b\.onnx/);
    expect(() => splitDroppedFiles([new File(['x'], 'a.bin'), new File(['y'], 'b.txt')])).toThrow(/None of the 2 dropped files/);
  });

  it('shows the typed error of a bad file and no summary', async () => {
    const { store } = setup();
    await store.getState().openFiles([new File(['not a model'], 'notes.txt')]);
    const s = store.getState();
    expect(s.loadStatus).toBe('error');
    expect(s.summary).toBeNull();
    expect(s.loadError).toEqual({ name: 'ModelFormatError', message: expect.stringContaining('ONNX protobuf') });
  });

  it('opens the sample model', async () => {
    const { store } = setup();
    await store.getState().openSample();
    expect(store.getState().model).toMatchObject({ name: 'paddleocr-cls.onnx', source: 'sample' });
    expect(store.getState().loadStatus).toBe('ready');
  });

  it('forgets the previous model and its variant when a new one opens', async () => {
    const { store, registry } = setup();
    await store.getState().openFiles([onnxFile('a.onnx')]);
    await store.getState().compress();
    const first = store.getState().model!.id;
    const variant = store.getState().variant!.id;
    await store.getState().openFiles([onnxFile('b.onnx')]);
    expect(registry.get(first)).toBeUndefined();
    expect(registry.get(variant)).toBeUndefined();
    expect(store.getState().variant).toBeNull();
    expect(store.getState().comparison).toBeNull();
  });
});

describe('compress and compare slices', () => {
  it('compresses with the form options, then measures both models and compares outputs', async () => {
    const { store, log } = setup();
    await store.getState().openFiles([onnxFile('net.onnx')]);
    store.getState().setOption('minElements', 64);
    await store.getState().compress();
    const s = store.getState();
    expect(log.compressCalls).toEqual([
      { id: s.model!.id, recipe: { steps: [{ method: 'int8-weight', options: { minElements: 64 } }] }, name: 'net.int8.onnx' },
    ]);
    expect(s.compressStatus).toBe('done');
    expect(s.variant).toMatchObject({ name: 'net.int8.onnx', sizeBytes: 16 });
    expect(log.measured).toEqual([`${s.model!.id}@wasm`, `${s.variant!.id}@wasm`]);
    expect(s.comparison?.status).toBe('done');
    expect(s.comparison?.original?.latencyMs.p50).toBeCloseTo(0.32);
    expect(s.comparison?.variant?.latencyMs.p50).toBeCloseTo(0.16);
    expect(s.comparison?.fidelity?.outputs[0]?.cosine).toBeGreaterThan(0.999);
  });

  it('cancelling a running compression terminates the worker and leaves no variant', async () => {
    const { store, log } = setup({ holdCompress: true });
    await store.getState().openFiles([onnxFile()]);
    const running = store.getState().compress();
    await Promise.resolve();
    expect(store.getState().compressStatus).toBe('running');
    expect(store.getState().compressProgress).toEqual({ fraction: 0.5, label: 'quantize: w1' });
    store.getState().cancelCompress();
    await running;
    expect(log.modelCancels).toBeGreaterThanOrEqual(1);
    expect(store.getState().compressStatus).toBe('cancelled');
    expect(store.getState().variant).toBeNull();
    expect(store.getState().comparison).toBeNull();
  });

  it('offers WebGPU only when the bench worker reports it, and measures on the chosen backend', async () => {
    const { store, log } = setup({ webgpu: true });
    store.getState().setBackend('webgpu');
    expect(store.getState().backend).toBe('wasm');
    await store.getState().openFiles([onnxFile()]);
    await Promise.resolve();
    expect(store.getState().backends).toEqual(['wasm', 'webgpu']);
    store.getState().setBackend('webgpu');
    await store.getState().compress();
    expect(log.measured.every((m) => m.endsWith('@webgpu'))).toBe(true);
    expect(store.getState().comparison).toMatchObject({ backend: 'webgpu', status: 'done' });
  });

  it('downloads the variant under <name>.int8.onnx', async () => {
    const { store, log } = setup();
    await store.getState().openFiles([onnxFile('resnet.onnx')]);
    await store.getState().compress();
    store.getState().downloadVariant();
    expect(log.downloads).toEqual([{ id: store.getState().variant!.id, fileName: 'resnet.int8.onnx' }]);
  });
});

describe('helpers', () => {
  it('names variants after the model and method', () => {
    expect(variantFileName('model.ONNX', 'int8-weight')).toBe('model.int8.onnx');
    expect(variantFileName('a.b.onnx', 'prune')).toBe('a.b.prune.onnx');
  });

  it('turns step progress into a fraction and keeps it through phase changes', () => {
    const step = progressView({ fraction: null, label: '' }, { kind: 'step', phase: 'quantize', index: 3, total: 4 });
    expect(step).toEqual({ fraction: 0.75, label: 'quantize' });
    expect(progressView(step, { kind: 'phase', phase: 'Encoding' })).toEqual({ fraction: 0.75, label: 'Encoding' });
    expect(progressView(step, { kind: 'log', level: 'info', message: 'x' })).toBe(step);
  });
});
