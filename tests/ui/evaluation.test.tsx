// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { createStudioStore } from '../../src/ui/store/studio-store';
import { StoreProvider } from '../../src/ui/store/store-context';
import { selectSampleSettings } from '../../src/ui/store/samples-slice';
import { defaultSampleForm, editSampleForm, sampleSettings, SAMPLE_FIELDS } from '../../src/ui/store/sample-settings';
import { routeDrop } from '../../src/ui/store/drop-routing';
import { collectDropped, pickedFiles } from '../../src/ui/services/dropped-files';
import { AccuracyTable } from '../../src/ui/components/AccuracyTable';
import { PerLayerTable, sortLayers, worstLayers } from '../../src/ui/components/PerLayerTable';
import { SamplesView } from '../../src/ui/containers/SamplesView';
import { EvaluateView } from '../../src/ui/containers/EvaluateView';
import { describeCalibration } from '../../src/ui/components/VariantNotes';
import type { DroppedFile } from '../../src/ui/services/types';
import { fakeLayer, fakeMethods, fakeServices, fakeStudio, onnxFile, settle, stubResizeObserver, type FakeControl } from './fakes';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const dropped = (...paths: string[]): DroppedFile[] => paths.map((path) => ({ path, file: new File(['px'], path.split('/').pop()!) }));
const labelledSet = () => dropped('cat/1.png', 'cat/2.png', 'dog/3.png', 'dog/readme.txt');

async function withModel(control: FakeControl = {}) {
  const s = fakeStudio(control);
  await s.store.getState().openFiles([onnxFile()]);
  return s;
}

describe('sample settings, generated from one declaration', () => {
  it('declares every preprocessing field once, with its default in the form', () => {
    const form = defaultSampleForm();
    expect(Object.keys(form)).toEqual(SAMPLE_FIELDS.map((f) => f.key));
    expect(sampleSettings(form, 'auto', '')).toEqual({
      image: { preset: 'none', resize: 'stretch', cropFraction: 1, scale: '0..1', mean: [0, 0, 0], std: [1, 1, 1], order: 'RGB' },
      sampleRate: 16000,
      classes: { mode: 'auto' },
    });
  });

  it('fills the fields from a preset, and a hand edit makes it custom', () => {
    let form = editSampleForm(defaultSampleForm(), 'preset', 'ImageNet');
    expect(sampleSettings(form, 'auto', '').image).toMatchObject({ resize: 'crop', cropFraction: 0.875, scale: '0..1', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
    form = editSampleForm(form, 'preset', 'PaddleOCR (-1..1)');
    expect(sampleSettings(form, 'auto', '').image).toMatchObject({ resize: 'stretch', scale: '-1..1', mean: [0, 0, 0], std: [1, 1, 1] });
    form = editSampleForm(form, 'std', ['0.5', '0.5', '0.5']);
    expect(form.preset).toBe('custom');
    form = editSampleForm(form, 'layout', 'NHWC');
    form = editSampleForm(form, 'order', 'BGR');
    expect(sampleSettings(form, 'auto', '').image).toMatchObject({ std: [0.5, 0.5, 0.5], layout: 'NHWC', order: 'BGR' });
  });

  it('says which field is unusable and what it expects', () => {
    expect(() => sampleSettings(editSampleForm(defaultSampleForm(), 'std', ['1', '0', '1']), 'auto', '')).toThrow(/Std is '1, 0, 1'; expected three numbers.*none zero/);
    expect(() => sampleSettings(editSampleForm(defaultSampleForm(), 'mean', ['a']), 'auto', '')).toThrow(/Mean is 'a'/);
    expect(() => sampleSettings(defaultSampleForm(), 'list', ' , ')).toThrow(/class list is empty/);
    expect(() => sampleSettings(defaultSampleForm(), 'list', 'cat, dog, cat')).toThrow(/'cat' is listed twice/);
    expect(sampleSettings(defaultSampleForm(), 'list', '0,\n180').classes).toEqual({ mode: 'list', names: ['0', '180'] });
  });
});

describe('dropped and picked files', () => {
  it('routes a drop with an .onnx to the model, anything else to the samples once a model is open', () => {
    expect(routeDrop(dropped('m.onnx', 'w.bin'), true)).toBe('model');
    expect(routeDrop(dropped('a.png'), true)).toBe('samples');
    expect(routeDrop(dropped('a.png'), false)).toBe('model');
  });

  it('keeps paths below a picked folder (webkitdirectory) and sorts them', () => {
    const file = (rel: string) => Object.defineProperty(new File(['x'], rel.split('/').pop()!), 'webkitRelativePath', { value: rel });
    expect(pickedFiles([file('set/dog/b.png'), file('set/cat/a.png')]).map((f) => f.path)).toEqual(['cat/a.png', 'dog/b.png']);
    expect(pickedFiles([new File(['x'], 'loose.png')]).map((f) => f.path)).toEqual(['loose.png']);
  });

  it('walks dropped folders through their entries (in batches), the single dropped folder left out of the paths', async () => {
    const fileEntry = (name: string) => ({ isFile: true, isDirectory: false, name, file: (ok: (f: File) => void) => ok(new File([name], name)) });
    const dirEntry = (name: string, children: unknown[]) => {
      const batches = [children.slice(0, 1), children.slice(1), []];
      return { isFile: false, isDirectory: true, name, createReader: () => ({ readEntries: (ok: (e: unknown[]) => void) => ok(batches.shift() ?? []) }) };
    };
    const root = dirEntry('set', [dirEntry('cat', [fileEntry('1.png'), fileEntry('2.png')]), dirEntry('dog', [fileEntry('3.png')])]);
    const dt = { items: [{ kind: 'file', webkitGetAsEntry: () => root }], files: [] } as unknown as DataTransfer;
    expect((await collectDropped(dt)).map((f) => f.path)).toEqual(['cat/1.png', 'cat/2.png', 'dog/3.png']);
    const flat = { items: [{ kind: 'file', webkitGetAsEntry: () => fileEntry('a.png') }], files: [new File(['a'], 'a.png')] } as unknown as DataTransfer;
    expect((await collectDropped(flat)).map((f) => f.path)).toEqual(['a.png']);
  });
});

describe('samples slice', () => {
  it('reads dropped samples in the worker and keeps only names and the summary in the store', async () => {
    const { store, log, services } = await withModel();
    await store.getState().addSamples(labelledSet());
    const s = store.getState();
    expect(s.samplesStatus).toBe('ready');
    expect(s.samplesInfo).toMatchObject({ count: 3, ignored: ['dog/readme.txt'], labelled: { source: 'class folders' } });
    expect(services.sampleFiles.get()).toHaveLength(4);
    expect(log.evalCalls).toEqual(['inspect 4']);
    expect(JSON.parse(JSON.stringify({ n: s.sampleFileNames, i: s.samplesInfo }))).toEqual({ n: s.sampleFileNames, i: s.samplesInfo });
    expect(selectSampleSettings(s)).toMatchObject({ classes: { mode: 'auto' } });
  });

  it('reports an unknown label as a typed error naming the file, and no settings are used', async () => {
    const { store } = await withModel();
    await store.getState().addSamples(dropped('cat/1.png', 'bad/2.png'));
    const s = store.getState();
    expect(s.samplesStatus).toBe('error');
    expect(s.samplesError).toMatchObject({ name: 'SampleFormatError', message: expect.stringContaining('bad/2.png') });
    expect(selectSampleSettings(s)).toBeNull();
  });

  it('says so when no dropped file is a sample', async () => {
    const { store } = await withModel();
    await store.getState().addSamples(dropped('notes.txt'));
    expect(store.getState().samplesError?.message).toMatch(/None of the 1 files is a sample \(notes\.txt\)/);
  });

  it('reads again with the new settings, coalescing changes made while a read waits', async () => {
    const { store, log } = await withModel();
    await store.getState().addSamples(labelledSet());
    store.getState().setClassMapping('list', 'dog');
    store.getState().setClassMapping('list', 'dog, cat');
    await settle(20);
    expect(log.evalCalls).toEqual(['inspect 4', 'inspect 4']);
    expect(store.getState().samplesInfo?.labelled?.classes.map((c) => c.label)).toEqual(['dog', 'cat']);
    store.getState().setSampleOption('std', ['0']);
    await settle(20);
    expect(store.getState().samplesError).toMatchObject({ name: 'SampleSettingsError' });
  });

  it('clears the samples: calibration and evaluation fall back to synthetic inputs', async () => {
    const { store, services } = await withModel();
    await store.getState().addSamples(labelledSet());
    store.getState().clearSamples();
    expect(store.getState().samplesStatus).toBe('none');
    expect(services.sampleFiles.get()).toEqual([]);
    expect(selectSampleSettings(store.getState())).toBeNull();
  });
});

describe('calibration and evaluation', () => {
  it('passes the samples to compression as calibration inputs and records which inputs were used', async () => {
    const fake = fakeServices();
    const int8Static = { id: 'int8-static', label: 'int8 static', description: 'QDQ, calibrated', options: [{ kind: 'number' as const, key: 'samples', label: 'Samples', default: 16 }] };
    const store = createStudioStore({ services: fake.services, methods: [...fakeMethods, int8Static], recipeText: (r) => r.steps.map((st) => st.method).join('+') });
    const { log } = fake;
    await store.getState().openFiles([onnxFile()]);
    store.getState().setStepMethod(0, 'int8-static');
    await store.getState().compress();
    expect(log.compressCalls[0]!.samples).toBeUndefined();
    expect(store.getState().variants[0]!.calibration).toEqual({ kind: 'synthetic', count: 16 });
    await store.getState().addSamples(labelledSet());
    await store.getState().compress();
    expect(log.compressCalls[1]!.samples).toMatchObject({ classes: { mode: 'auto' }, image: { scale: '0..1' } });
    expect(store.getState().variants[1]!.calibration).toEqual({ kind: 'samples', count: 4, of: 4 });
  });

  it('a calibration that fell back to synthetic inputs because the samples could not be read does not claim none were given', async () => {
    const fake = fakeServices();
    const int8Static = { id: 'int8-static', label: 'int8 static', description: 'QDQ, calibrated', options: [{ kind: 'number' as const, key: 'samples', label: 'Samples', default: 16 }] };
    const store = createStudioStore({ services: fake.services, methods: [...fakeMethods, int8Static], recipeText: (r) => r.steps.map((st) => st.method).join('+') });
    await store.getState().openFiles([onnxFile()]);
    await store.getState().addSamples(dropped('cat/1.png', 'bad/2.png'));
    expect(store.getState().samplesStatus).toBe('error');
    store.getState().setStepMethod(0, 'int8-static');
    await store.getState().compress();
    const calibration = store.getState().variants[0]!.calibration!;
    expect(calibration).toEqual({ kind: 'synthetic', count: 16 });
    expect(describeCalibration(calibration)).toBe('calibrated on 16 seeded synthetic inputs (no usable samples)');
  });

  it('evaluates every variant on the samples after the measurements (one queue), with accuracy per variant', async () => {
    const { store, log } = await withModel();
    await store.getState().addSamples(labelledSet());
    await store.getState().compress();
    await store.getState().compress();
    await store.getState().evaluateVariants();
    const s = store.getState();
    const [a, b] = s.variants.map((v) => v.id);
    expect(log.calls.at(-1)).toMatch(/^fidelity/);
    expect(log.evalCalls.at(-1)).toBe(`evaluate ${a},${b} on samples`);
    expect(s.evalStatus).toBe('done');
    expect(s.evaluation?.inputs).toEqual({ kind: 'samples', count: 3, of: 3, labelled: true });
    expect(s.evaluation?.byVariant[b!]).toMatchObject({ ok: true, evaluation: { accuracy: { dropPoints: 25 } } });
    store.getState().removeVariant(a!);
    expect(Object.keys(store.getState().evaluation!.byVariant)).toEqual([b]);
  });

  it('evaluates on synthetic inputs without samples', async () => {
    const { store, log } = await withModel();
    await store.getState().compress();
    await store.getState().evaluateVariants();
    expect(log.evalCalls.at(-1)).toMatch(/on synthetic$/);
    expect(store.getState().evaluation?.inputs.kind).toBe('synthetic');
  });

  it('cancels a running evaluation by stopping the bench worker', async () => {
    const { store, log } = await withModel({ holdEval: true });
    await store.getState().compress();
    const running = store.getState().evaluateVariants();
    await settle(20);
    expect(store.getState().evalStatus).toBe('running');
    store.getState().cancelEvaluation();
    await running;
    expect(log.evalCancels).toBe(1);
    expect(store.getState().evalStatus).toBe('cancelled');
    expect(store.getState().evaluation).toBeNull();
  });

  it('cancelling a queued measurement leaves a running evaluation on the shared bench worker alone', async () => {
    const { store, log } = await withModel({ holdEval: true });
    await store.getState().compress();
    const evaluating = store.getState().evaluateVariants();
    await settle(20);
    expect(store.getState().evalStatus).toBe('running');
    const queued = store.getState().remeasureAll();
    store.getState().cancelMeasurements();
    // bench.cancel and evaluation.cancel stop the same worker: no measurement holds it, so neither is called.
    expect(log.benchCancels).toBe(0);
    expect(store.getState().evalStatus).toBe('running');
    expect(Object.values(store.getState().measurements).every((m) => m.status === 'cancelled')).toBe(true);
    store.getState().cancelEvaluation();
    await evaluating;
    await queued;
    expect(log.calls.filter((c) => c.startsWith('measureAll'))).toHaveLength(1);
  });

  it('runs the per-layer debugger on the newest variant unless another is chosen', async () => {
    const { store, log } = await withModel();
    await store.getState().compress();
    await store.getState().compress();
    const [a, b] = store.getState().variants.map((v) => v.id);
    await store.getState().runPerLayer();
    expect(log.evalCalls.at(-1)).toBe(`perLayer ${b} on synthetic`);
    store.getState().choosePerLayerVariant(a!);
    await store.getState().runPerLayer();
    expect(log.evalCalls.at(-1)).toBe(`perLayer ${a} on synthetic`);
    expect(store.getState().perLayer).toMatchObject({ variantId: a, layers: [{ tensor: 'h1' }, { tensor: 'a1' }, { tensor: 'y' }] });
    store.getState().clearVariants();
    expect(store.getState().perLayer).toBeNull();
  });
});

describe('evaluation components', () => {
  const layers = [fakeLayer('h1', 'MatMul', 38), fakeLayer('a1', 'Relu', 12), fakeLayer('y', 'MatMul', 30), { ...fakeLayer('exact', 'Reshape', 50), sqnrDb: Infinity, localSqnrDb: Infinity }];

  it('sorts layers by graph order or worst SQNR first, and picks the worst by the error each adds', () => {
    expect(sortLayers(layers, 'graph').map((r) => r.layer.tensor)).toEqual(['h1', 'a1', 'y', 'exact']);
    expect(sortLayers(layers, 'sqnr').map((r) => r.layer.tensor)).toEqual(['a1', 'y', 'h1', 'exact']);
    expect([...worstLayers(layers, 2)]).toEqual(['a1', 'y']);
  });

  it('renders the per-layer table sortable, worst rows marked', () => {
    render(<PerLayerTable layers={layers} worst={new Set(['a1'])} />);
    const table = screen.getByTestId('per-layer-table');
    const tensors = () => [...table.querySelectorAll('tbody tr')].map((r) => r.getAttribute('data-tensor'));
    expect(tensors()).toEqual(['h1', 'a1', 'y', 'exact']);
    fireEvent.click(within(table).getByRole('button', { name: /SQNR dB/ }));
    expect(tensors()).toEqual(['a1', 'y', 'h1', 'exact']);
    expect(table.querySelector('tr.worst')?.getAttribute('data-tensor')).toBe('a1');
    expect(within(table).getAllByTestId('layer-sqnr').map((c) => c.textContent)).toEqual(['12.0', '30.0', '38.0', '∞']);
  });

  it('shows accuracy of both models and the change in points, and a variant that failed', () => {
    const output = { name: 'y', elements: 8, cosine: 0.999, sqnrDb: 30, maxAbs: 0.1, meanAbs: 0.01, relL2: 0.03, nonFinite: { reference: 0, candidate: 0 }, kind: 'classifier' as const, top1Agreement: 0.9 };
    render(
      <AccuracyTable
        rows={[
          { id: 'a', label: 'int8', result: { ok: true, evaluation: { samples: 10, outputs: [output], accuracy: { output: 'y', samples: 10, reference: 90, candidate: 80, dropPoints: 10 } } } },
          { id: 'b', label: 'int4', result: { ok: false, error: { name: 'RuntimeError', message: 'no kernel' } } },
        ]}
      />,
    );
    const table = screen.getByTestId('accuracy-table');
    expect(within(table).getByTestId('accuracy-original').textContent).toBe('90.0%');
    expect(within(table).getByTestId('accuracy-variant').textContent).toBe('80.0%');
    expect(within(table).getByTestId('accuracy-drop').textContent).toBe('−10.0');
    expect(within(table).getByTestId('top1-agreement').textContent).toBe('90.0%');
    expect(table.textContent).toContain('RuntimeError: no kernel');
  });

  it('adds argmax agreement and IoU columns only when an output is dense', () => {
    const map = { name: 'mask', elements: 64, cosine: 0.99, sqnrDb: 20, maxAbs: 0.2, meanAbs: 0.01, relL2: 0.1, nonFinite: { reference: 0, candidate: 0 }, kind: 'map' as const, iou: 0.875 };
    const { rerender } = render(<AccuracyTable rows={[{ id: 'a', label: 'int8', result: { ok: true, evaluation: { samples: 2, outputs: [map] } } }]} />);
    expect(screen.getByTestId('accuracy-table').textContent).toMatch(/Argmax agree.*IoU.*0\.875/s);
    expect(screen.queryByTestId('accuracy-original')).toBeNull();
    rerender(<AccuracyTable rows={[{ id: 'a', label: 'int8', result: { ok: true, evaluation: { samples: 2, outputs: [{ ...map, kind: 'values' as const, iou: undefined }] } } }]} />);
    expect(screen.getByTestId('accuracy-table').textContent).not.toMatch(/Argmax/);
  });

  it('the samples and evaluation panels: pick a folder, see the labels, evaluate and show per-layer rows', async () => {
    stubResizeObserver();
    const { store } = await withModel();
    render(
      <StoreProvider store={store}>
        <SamplesView />
        <EvaluateView />
      </StoreProvider>,
    );
    const panel = screen.getByTestId('samples');
    expect(within(panel).getByLabelText('Preset')).toBeTruthy();
    expect(within(panel).getByLabelText('Mean (R, G, B)')).toBeTruthy();
    expect(screen.getByTestId('pick-sample-folder').hasAttribute('webkitdirectory')).toBe(true);
    // The pickers are buttons (a label around a hidden input cannot be reached by keyboard).
    expect(within(panel).getByRole('button', { name: 'Choose sample files…' })).toBeTruthy();
    expect(within(panel).getByRole('button', { name: 'Choose a folder…' })).toBeTruthy();
    const file = (rel: string) => Object.defineProperty(new File(['x'], rel.split('/').pop()!), 'webkitRelativePath', { value: rel });
    await act(async () => {
      fireEvent.change(screen.getByTestId('pick-sample-folder'), { target: { files: [file('set/cat/1.png'), file('set/dog/2.png')] } });
      await settle(20);
    });
    expect(within(panel).getByTestId('sample-count').textContent).toBe('2');
    expect(within(panel).getByTestId('label-map').textContent).toMatch(/cat.*0.*1.*dog.*1.*1/s);
    expect(screen.queryByTestId('evaluation')).toBeNull();
    await act(async () => {
      await store.getState().compress();
    });
    const evaluation = screen.getByTestId('evaluation');
    await act(async () => {
      fireEvent.click(within(evaluation).getByRole('button', { name: 'Evaluate 1 variant' }));
      await settle(20);
    });
    expect(within(evaluation).getByTestId('eval-inputs').textContent).toContain('On 2 of your labelled samples');
    await act(async () => {
      fireEvent.click(within(evaluation).getByRole('button', { name: 'Show per-layer error' }));
      await settle(20);
    });
    expect(within(evaluation).getByTestId('per-layer-table').querySelectorAll('tbody tr')).toHaveLength(3);
  });
});
