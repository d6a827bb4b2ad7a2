// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { createStudioStore } from '../../src/ui/store/studio-store';
import { splitDroppedFiles } from '../../src/ui/store/model-slice';
import { progressView } from '../../src/ui/store/job-progress';
import { selectRecipe } from '../../src/ui/store/recipe-slice';
import { selectMeasuring } from '../../src/ui/store/measure-slice';
import { comparisonRows, mixedRounds, outputNames } from '../../src/ui/store/comparison-rows';
import { methodTag, recipeLabel, uniqueLabel, variantFileName } from '../../src/ui/store/recipe';
import { createSerialQueue } from '../../src/ui/store/serial-queue';
import { toMethodInfo } from '../../src/ui/store/studio-state';
import { declarations as methods } from '../../src/core/methods/declarations';
import { deferred, fakeMethods, fakeRecipeText, fakeServices, fakeStudio, onnxFile, settle } from './fakes';

describe('model slice', () => {
  it('opens a dropped model and shows its summary', async () => {
    const { store, registry } = fakeStudio();
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
    const { store } = fakeStudio();
    await store.getState().openFiles([new File(['not a model'], 'notes.txt')]);
    const s = store.getState();
    expect(s.loadStatus).toBe('error');
    expect(s.summary).toBeNull();
    expect(s.loadError).toEqual({ name: 'ModelFormatError', message: expect.stringContaining('ONNX protobuf') });
  });

  it('opens the sample model', async () => {
    const { store } = fakeStudio();
    await store.getState().openSample();
    expect(store.getState().model).toMatchObject({ name: 'paddleocr-cls.onnx', source: 'sample' });
    expect(store.getState().loadStatus).toBe('ready');
  });

  it('forgets the previous model and all its variants when a new one opens', async () => {
    const { store, registry } = fakeStudio();
    await store.getState().openFiles([onnxFile('a.onnx')]);
    await store.getState().compress();
    store.getState().setStepMethod(0, 'int4');
    await store.getState().compress();
    const first = store.getState().model!.id;
    const variantIds = store.getState().variants.map((v) => v.id);
    expect(variantIds).toHaveLength(2);
    await store.getState().openFiles([onnxFile('b.onnx')]);
    expect(registry.get(first)).toBeUndefined();
    for (const id of variantIds) expect(registry.get(id)).toBeUndefined();
    expect(store.getState().variants).toEqual([]);
    expect(store.getState().measurements).toEqual({});
  });
});

describe('recipe slice', () => {
  it('starts with one step of the first method and edits steps by index', () => {
    const { store } = fakeStudio();
    expect(store.getState().recipeSteps.map((s) => s.methodId)).toEqual(['int8-weight']);
    store.getState().setStepOption(0, 'minElements', 64);
    expect(selectRecipe(store.getState())).toEqual({ steps: [{ method: 'int8-weight', options: { minElements: 64 } }] });
    // Another method: its own defaults, not the previous method's options.
    store.getState().setStepMethod(0, 'int4');
    expect(selectRecipe(store.getState())).toEqual({ steps: [{ method: 'int4', options: {} }] });
    store.getState().setStepMethod(0, 'no-such-method');
    expect(store.getState().recipeSteps[0]!.methodId).toBe('int4');
  });

  it('adds steps with a method the recipe does not use yet, removes them, and keeps the last one', () => {
    const { store } = fakeStudio();
    store.getState().addStep();
    store.getState().addStep();
    expect(store.getState().recipeSteps.map((s) => s.methodId)).toEqual(['int8-weight', 'int4', 'int8-dynamic']);
    expect(new Set(store.getState().recipeSteps.map((s) => s.key)).size).toBe(3);
    store.getState().setStepOption(1, 'block', '64');
    store.getState().removeStep(0);
    expect(selectRecipe(store.getState())).toEqual({
      steps: [
        { method: 'int4', options: { block: '64' } },
        { method: 'int8-dynamic', options: {} },
      ],
    });
    store.getState().removeStep(0);
    store.getState().removeStep(0);
    expect(store.getState().recipeSteps.map((s) => s.methodId)).toEqual(['int8-dynamic']);
  });
});

describe('variants and measurements', () => {
  it('compresses with the edited recipe into a variant, then times both models and compares outputs', async () => {
    const { store, log, registry } = fakeStudio();
    await store.getState().openFiles([onnxFile('net.onnx')]);
    store.getState().setStepOption(0, 'minElements', 64);
    await store.getState().compress();
    const s = store.getState();
    expect(log.compressCalls).toEqual([{ id: s.model!.id, recipe: { steps: [{ method: 'int8-weight', options: { minElements: 64 } }] }, name: 'net.int8_minElements-64.onnx' }]);
    expect(s.compressStatus).toBe('done');
    const [variant] = s.variants;
    expect(variant).toMatchObject({ label: 'int8-weight (minElements 64)', recipeText: 'int8-weight:minElements=64', fileName: 'net.int8_minElements-64.onnx', sizeBytes: 16, cpuOnly: false });
    expect(registry.get(variant!.id)?.model.size).toBe(16);
    // Timed together with the original (interleaved runs), then outputs compared.
    expect(log.calls).toEqual(['compress', `measureAll ${s.model!.id},${variant!.id}`, `fidelity ${variant!.id}`]);
    expect(s.measurements[s.model!.id]).toMatchObject({ status: 'done', backend: 'wasm', fidelity: null });
    expect(s.measurements[variant!.id]).toMatchObject({ status: 'done', backend: 'wasm' });
    expect(s.measurements[variant!.id]!.fidelity?.outputs[0]?.cosine).toBeGreaterThan(0.999);
    // Plain data only: no bytes, no functions.
    expect(JSON.parse(JSON.stringify(s.variants))).toEqual(s.variants);
  });

  it('keeps several variants made by different methods, each timed together with the original when it is made', async () => {
    const { store, log } = fakeStudio();
    await store.getState().openFiles([onnxFile('net.onnx')]);
    await store.getState().compress();
    store.getState().setStepMethod(0, 'int4');
    await store.getState().compress();
    store.getState().setStepMethod(0, 'int8-dynamic');
    await store.getState().compress();
    const s = store.getState();
    expect(s.variants.map((v) => [v.label, v.fileName, v.sizeBytes, v.cpuOnly])).toEqual([
      ['int8-weight', 'net.int8.onnx', 16, false],
      ['int4', 'net.int4.onnx', 8, false],
      ['int8-dynamic', 'net.int8-dynamic.onnx', 16, true],
    ]);
    expect(log.calls.filter((c) => c.startsWith('measureAll'))).toEqual(s.variants.map((v) => `measureAll ${s.model!.id},${v.id}`));
    expect(log.compared).toEqual(s.variants.map((v) => `${v.id}@wasm`));

    const rows = comparisonRows(s.model!, s.variants, s.measurements);
    expect(rows.map((r) => r.label)).toEqual(['Original', 'int8-weight', 'int4', 'int8-dynamic']);
    expect(rows.map((r) => r.sizeRatio)).toEqual([1, 0.5, 0.25, 0.5]);
    expect(rows[2]!.speedup).toBeCloseTo(4); // fake latency follows size
    expect(rows.every((r) => r.limit === null)).toBe(true); // no device probe yet
    // With the probe's figures for the same backend and threads: fakeBench's run moves 1 MB, at 1 GB/s
    // that is 1 ms (its 1 MFLOP at 10 GFLOP/s is 0.1 ms), so a 10 ms median is at 10% of the limit.
    const figures = [{ backend: 'wasm' as const, threads: 1, probeMs: 1, compute: { ok: true as const, value: { gflops: 10 } }, bandwidth: { ok: true as const, value: { gbps: 1 } } }];
    const limited = comparisonRows(s.model!, s.variants, s.measurements, {}, figures as never);
    const p50 = s.measurements[s.model!.id]!.bench!.latencyMs.p50;
    expect(limited[0]!.limit).toMatchObject({ boundMs: 1, limitedBy: 'memory', complete: true });
    expect(limited[0]!.limit!.percent).toBeCloseTo(100 / p50);
    expect(comparisonRows(s.model!, s.variants, s.measurements, {}, [{ ...figures[0]!, threads: 4 }] as never)[0]!.limit).toBeNull();
    expect(outputNames(rows)).toEqual(['y']);
    // Earlier variants were timed in other runs than the original's latest figures: the view says so.
    expect(mixedRounds(rows)).toBe(true);
  });

  it('re-measure all times the original and every variant in one interleaved run on the chosen backend, then compares outputs', async () => {
    const { store, log } = fakeStudio({ webgpu: true });
    await store.getState().openFiles([onnxFile('net.onnx')]);
    await store.getState().compress();
    store.getState().setStepMethod(0, 'int4');
    await store.getState().compress();
    await settle();
    store.getState().setBackend('webgpu');
    log.calls.length = 0;
    await store.getState().remeasureAll();
    const s = store.getState();
    const [a, b] = s.variants.map((v) => v.id);
    expect(log.calls).toEqual([`measureAll ${s.model!.id},${a},${b}`, `fidelity ${a}`, `fidelity ${b}`]);
    const all = Object.values(s.measurements);
    expect(all.every((m) => m.status === 'done' && m.backend === 'webgpu')).toBe(true);
    expect(new Set(all.map((m) => m.round)).size).toBe(1);
    expect(mixedRounds(comparisonRows(s.model!, s.variants, s.measurements))).toBe(false);
  });

  it('shows a slower variant as slower', async () => {
    // A variant half the size that runs twice as long (e.g. a dequantize per run).
    const { store } = fakeStudio({ latencyMs: (size) => (size >= 32 ? 1 : 2) });
    await store.getState().openFiles([onnxFile('net.onnx')]);
    await store.getState().compress();
    const s = store.getState();
    const [, row] = comparisonRows(s.model!, s.variants, s.measurements);
    expect(row!.speedup).toBeCloseTo(0.5);
  });

  it('a variant whose measurement fails keeps its error; the others are measured', async () => {
    let failing = '';
    const { store } = fakeStudio({ failMeasure: (id) => id === failing });
    await store.getState().openFiles([onnxFile('net.onnx')]);
    // The next variant id the registry hands out is the failing one (ids are m1, m2, …; the model is m1).
    failing = 'm2';
    await store.getState().compress();
    store.getState().setStepMethod(0, 'int4');
    await store.getState().compress();
    const s = store.getState();
    expect(s.measurements.m2).toMatchObject({ status: 'error', error: { name: 'RuntimeError', message: 'Model m2 failed to load.' }, fidelity: null });
    expect(s.measurements.m3).toMatchObject({ status: 'done' });
    // Only what onnxruntime-web loaded may be downloaded.
    expect(s.loadChecks).toEqual({ m1: 'ok', m2: { name: 'RuntimeError', message: 'Model m2 failed to load.' }, m3: 'ok' });
    const rows = comparisonRows(s.model!, s.variants, s.measurements, s.loadChecks);
    expect(rows.map((r) => r.loadCheck === 'ok')).toEqual([true, false, true]);
  });

  it('re-measure all keeps the figures of the models that ran when one fails to load', async () => {
    let failing = '';
    const { store, log } = fakeStudio({ failMeasure: (id) => id === failing });
    await store.getState().openFiles([onnxFile('net.onnx')]);
    await store.getState().compress();
    store.getState().setStepMethod(0, 'int4');
    await store.getState().compress();
    failing = 'm2';
    log.calls.length = 0;
    await store.getState().remeasureAll();
    const s = store.getState();
    expect(s.measurements.m2).toMatchObject({ status: 'error', error: { name: 'RuntimeError' } });
    expect(s.measurements.m1).toMatchObject({ status: 'done' });
    expect(s.measurements.m3).toMatchObject({ status: 'done' });
    expect(log.calls).toEqual(['measureAll m1,m2,m3', 'fidelity m3']);
    // It loaded once before, so it stays downloadable.
    expect(s.loadChecks.m2).toBe('ok');
  });

  it('gives a repeated recipe a distinct label', async () => {
    const { store } = fakeStudio();
    await store.getState().openFiles([onnxFile('net.onnx')]);
    await store.getState().compress();
    await store.getState().compress();
    expect(store.getState().variants.map((v) => v.label)).toEqual(['int8-weight', 'int8-weight · 2']);
  });

  it('removes one variant: its bytes, its record and its measurement', async () => {
    const { store, registry } = fakeStudio();
    await store.getState().openFiles([onnxFile('net.onnx')]);
    await store.getState().compress();
    store.getState().setStepMethod(0, 'int4');
    await store.getState().compress();
    const [first, second] = store.getState().variants;
    store.getState().removeVariant(first!.id);
    const s = store.getState();
    expect(s.variants.map((v) => v.id)).toEqual([second!.id]);
    expect(registry.get(first!.id)).toBeUndefined();
    expect(registry.get(second!.id)).toBeDefined();
    expect(s.measurements[first!.id]).toBeUndefined();
    expect(s.measurements[s.model!.id]?.status).toBe('done');
  });

  it('downloads each variant under <model>.<method tag>.onnx', async () => {
    const { store, log } = fakeStudio();
    await store.getState().openFiles([onnxFile('resnet.onnx')]);
    await store.getState().compress();
    store.getState().setStepMethod(0, 'int4');
    store.getState().addStep();
    await store.getState().compress();
    const [a, b] = store.getState().variants;
    store.getState().downloadVariant(b!.id);
    store.getState().downloadVariant(a!.id);
    expect(log.downloads).toEqual([
      { id: b!.id, fileName: 'resnet.int4+int8.onnx' },
      { id: a!.id, fileName: 'resnet.int8.onnx' },
    ]);
  });

  it('a compression started while a model is being timed waits for it, so the two never share the CPU', async () => {
    const { store, log, releaseMeasure } = fakeStudio({ holdMeasure: true });
    await store.getState().openFiles([onnxFile('net.onnx')]);
    const first = store.getState().compress();
    await settle();
    expect(log.calls).toEqual(['compress', 'measureAll m1,m2']);
    expect(selectMeasuring(store.getState())).toBe(true);
    store.getState().setStepMethod(0, 'int4');
    const second = store.getState().compress();
    await settle();
    expect(store.getState().compressStatus).toBe('queued');
    expect(log.compressCalls).toHaveLength(1);
    releaseMeasure(); // the original and the first variant
    await first;
    await settle();
    expect(log.calls).toEqual(['compress', 'measureAll m1,m2', 'fidelity m2', 'compress', 'measureAll m1,m3']);
    releaseMeasure();
    await second;
    expect(store.getState().variants).toHaveLength(2);
    expect(selectMeasuring(store.getState())).toBe(false);
  });

  it('cancelling measurements stops the bench worker and skips what was queued', async () => {
    const { store, log } = fakeStudio({ holdMeasure: true });
    await store.getState().openFiles([onnxFile('net.onnx')]);
    const compressing = store.getState().compress();
    await settle();
    const queued = store.getState().remeasureAll();
    store.getState().cancelMeasurements();
    await compressing;
    await queued;
    const s = store.getState();
    expect(log.benchCancels).toBe(1);
    expect(Object.values(s.measurements).every((m) => m.status === 'cancelled')).toBe(true);
    expect(log.calls).toEqual(['compress', 'measureAll m1,m2']);
    expect(s.variants).toHaveLength(1);
  });

  it('cancelling a running compression terminates the worker and leaves no variant', async () => {
    const { store, log } = fakeStudio({ holdCompress: true });
    await store.getState().openFiles([onnxFile()]);
    const running = store.getState().compress();
    await settle();
    expect(store.getState().compressStatus).toBe('running');
    expect(store.getState().compressProgress).toEqual({ fraction: 0.5, label: 'quantize: w1' });
    store.getState().cancelCompress();
    await running;
    expect(log.modelCancels).toBeGreaterThanOrEqual(1);
    expect(store.getState().compressStatus).toBe('cancelled');
    expect(store.getState().variants).toEqual([]);
    expect(store.getState().measurements).toEqual({});
  });

  it('an unknown method in the recipe is an error that names the methods there are', async () => {
    const fake = fakeServices();
    const store = createStudioStore({ services: fake.services, methods: fakeMethods.slice(0, 1), recipeText: fakeRecipeText });
    await store.getState().openFiles([onnxFile()]);
    store.setState({ recipeSteps: [{ key: 'k', methodId: 'prune', options: {} }] });
    await store.getState().compress();
    expect(store.getState().compressError).toEqual({ name: 'RecipeError', message: "Unknown method 'prune'; expected one of int8-weight." });
    expect(fake.log.compressCalls).toEqual([]);
  });

  it('times WASM on one thread when asked (where the bench worker has several), and compares only runs with the same threads', async () => {
    const { store, log } = fakeStudio({ maxThreads: 2 });
    await store.getState().openFiles([onnxFile('net.onnx')]);
    await store.getState().compress();
    await settle();
    expect(store.getState().maxThreads).toBe(2);
    const variant = store.getState().variants[0]!.id;
    const allThreads = comparisonRows(store.getState().model!, store.getState().variants, store.getState().measurements);
    expect(allThreads.map((r) => r.threads)).toEqual([2, 2]);
    expect(allThreads[1]!.speedup).not.toBeNull();

    store.getState().setBackend('wasm', true);
    expect(store.getState().oneThread).toBe(true);
    log.calls.length = 0;
    await store.getState().remeasureAll();
    expect(log.calls[0]).toBe(`measureAll ${store.getState().model!.id},${variant} threads=1`);
    const oneThread = comparisonRows(store.getState().model!, store.getState().variants, store.getState().measurements);
    expect(oneThread.map((r) => r.threads)).toEqual([1, 1]);
    expect(oneThread[1]!.speedup).not.toBeNull();
    // A variant timed on 2 threads against an original timed on 1: no ratio.
    const mixed = { ...store.getState().measurements, [variant]: { ...store.getState().measurements[variant]!, bench: { ...store.getState().measurements[variant]!.bench!, threads: 2 } } };
    expect(comparisonRows(store.getState().model!, store.getState().variants, mixed)[1]!.speedup).toBeNull();
    store.getState().setBackend('wasm');
    expect(store.getState().oneThread).toBe(false);
  });

  it('offers WebGPU only when the bench worker reports it, and measures on the chosen backend', async () => {
    const { store, log } = fakeStudio({ webgpu: true });
    store.getState().setBackend('webgpu');
    expect(store.getState().backend).toBe('wasm');
    await store.getState().openFiles([onnxFile()]);
    await settle();
    expect(store.getState().backends).toEqual(['wasm', 'webgpu']);
    store.getState().setBackend('webgpu');
    await store.getState().compress();
    expect(log.measured.every((m) => m.endsWith('@webgpu'))).toBe(true);
    expect(Object.values(store.getState().measurements).every((m) => m.backend === 'webgpu' && m.status === 'done')).toBe(true);
  });
});

describe('helpers', () => {
  it('derives file tags from method ids and names variants after the model and its methods', () => {
    expect(methodTag('int8-weight')).toBe('int8');
    expect(methodTag('fp16-weight')).toBe('fp16');
    expect(methodTag('fp16')).toBe('fp16');
    expect(methodTag('int4')).toBe('int4');
    expect(methodTag('int8-dynamic')).toBe('int8-dynamic');
    expect(variantFileName('model.ONNX', ['int8-weight'])).toBe('model.int8.onnx');
    expect(variantFileName('a.b.onnx', ['int4'])).toBe('a.b.int4.onnx');
    expect(variantFileName('m.onnx', ['int4', 'int8-weight', 'int4'])).toBe('m.int4+int8.onnx');
  });

  it('reads recipe text as a label, and numbers repeats', () => {
    expect(recipeLabel(['int8-weight'])).toBe('int8-weight');
    expect(recipeLabel(['int4:block=32,symmetric=false', 'fp16'])).toBe('int4 (block 32, symmetric false) + fp16');
    expect(uniqueLabel('int4', ['int4', 'int4 · 2'])).toBe('int4 · 3');
    expect(uniqueLabel('fp16', ['int4'])).toBe('fp16');
  });

  it('takes the declarations of the registered methods, CPU-only ones included', () => {
    const infos = methods.map(toMethodInfo);
    expect(infos.map((m) => m.id)).toContain('int8-weight');
    for (const m of infos) {
      expect(Object.keys(m).sort()).toEqual(m.backends ? ['backends', 'description', 'family', 'id', 'label', 'options'] : ['description', 'family', 'id', 'label', 'options']);
    }
  });

  it('turns step progress into a fraction and keeps it through phase changes', () => {
    const step = progressView({ fraction: null, label: '' }, { kind: 'step', phase: 'quantize', index: 3, total: 4 });
    expect(step).toEqual({ fraction: 0.75, label: 'quantize' });
    expect(progressView(step, { kind: 'phase', phase: 'Encoding' })).toEqual({ fraction: 0.75, label: 'Encoding' });
    expect(progressView(step, { kind: 'log', level: 'info', message: 'x' })).toBe(step);
  });

  it('runs queued jobs one at a time in order, past failures', async () => {
    const queue = createSerialQueue();
    const order: string[] = [];
    const gate = deferred<void>();
    const a = queue.run(async () => {
      order.push('a start');
      await gate.promise;
      order.push('a end');
    });
    const b = queue.run(async () => {
      order.push('b');
      throw new Error('b failed');
    });
    const c = queue.run(async () => order.push('c'));
    await settle();
    expect(order).toEqual(['a start']);
    expect(queue.size).toBe(3);
    gate.resolve();
    await a;
    await expect(b).rejects.toThrow('b failed');
    await c;
    expect(order).toEqual(['a start', 'a end', 'b', 'c']);
    expect(queue.size).toBe(0);
  });
});
