import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStudioStore } from '../../src/ui/store/studio-store';
import { RECOUNT_DELAY_MS, selectLiveMacs } from '../../src/ui/store/live-macs-slice';
import { macsFigure } from '../../src/ui/store/macs-figure';
import { variantMacsLine } from '../../src/ui/store/variant-macs';
import type { AnalysisJobs } from '../../src/ui/services/analysis-jobs';
import { macsAtDims } from '../../src/core/analyze/macs-at-dims';
import { analyzeModel } from '../../src/core/analyze/summary';
import { modelCost } from '../../src/core/device/roofline';
import { modelInputShapes } from '../../src/core/evaluate/inputs';
import { graphInputSpecs } from '../../src/core/evaluate/io-spec';
import { fakeMethods, fakeRecipeText, fakeServices, fakeSummary, onnxFile } from './fakes';
import { voiceActivity } from '../fixtures/voice-activity';
import { unpaddedConv5x5 } from '../fixtures/models';

const vad = voiceActivity();
const vadMacs = analyzeModel(vad, 0).macs;

/** The fake studio on the voice-activity model, with an analysis service that counts the real model for every id. */
function liveStore(control: Parameters<typeof fakeServices>[0] = {}) {
  const fake = fakeServices(control);
  const analyze = fake.services.models.analyze;
  fake.services.models.analyze = async (signal, id) =>
    fakeSummary((await analyze(signal, id)).sizeBytes, {
      inputs: graphInputSpecs(vad).map((s) => ({ name: s.name, dtype: String(s.dtype), shape: s.shape ? [...s.shape] : null })),
      macs: vadMacs,
    });
  const calls: { ids: readonly string[]; dims: Record<string, number> }[] = [];
  const held: (() => void)[] = [];
  let hold = false;
  const analysis: AnalysisJobs = {
    async macsAt(_signal, ids, dims) {
      calls.push({ ids, dims: { ...dims } });
      if (hold) await new Promise<void>((resolve) => held.push(resolve));
      return Object.fromEntries(ids.map((id) => [id, macsAtDims(vad, dims)]));
    },
  };
  fake.services.analysis = analysis;
  const store = createStudioStore({ services: fake.services, methods: fakeMethods, recipeText: fakeRecipeText });
  return { fake, store, calls, holdCounts: (on: boolean) => (hold = on), release: () => held.shift()?.() };
}

/** The summary's MACs figure as SummaryView computes it. */
const figure = (store: ReturnType<typeof liveStore>['store']) => {
  const s = store.getState();
  const id = s.model!.id;
  return macsFigure(s.summary!.macs, s.measurements[id]?.bench ?? null, { result: selectLiveMacs(s, id), pending: s.liveMacsPending });
};

describe('MACs follow the input sizes typed, before any measurement', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('one recount after the typing stops, for the original and every variant, and the figure follows it', async () => {
    const { store, calls } = liveStore();
    await store.getState().openFiles([onnxFile('vad.onnx')]);
    await store.getState().compress();
    const ids = [store.getState().model!.id, store.getState().variants[0]!.id];
    // The compression measured the original at the fake bench's shapes.
    const before = figure(store);
    expect(before.hint).toBe('Conv/MatMul/Gemm, counted from shapes at x [1×16], the sizes last measured');

    // "5", "51", "512": one count, at 512.
    for (const n of [5, 51, 512]) store.getState().setInputDim('input[1]', n);
    expect(store.getState().liveMacsPending).toBe(true);
    expect(figure(store).hint).toMatch(/^Recounting at the sizes set… /);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(RECOUNT_DELAY_MS);
    expect(calls).toEqual([{ ids, dims: { 'input[1]': 512 } }]);
    expect(store.getState().liveMacsPending).toBe(false);

    // The same number a measurement at these sizes reports (Conv 16 x 129 taps x 16 steps, head 16 x 2).
    const measuredCost = modelCost(vad, modelInputShapes(vad, { 'input[1]': 512 })).macs;
    expect(measuredCost).toBe(16 * 129 * 16 + 16 * 2);
    const at512 = figure(store);
    expect(at512.value).toBe('33.1 k');
    expect(at512.hint).toBe('Conv/MatMul/Gemm, counted from shapes at input [1×512], sr [], the sizes set (not measured at them yet); guessed input[0]=1');
    for (const id of ids) expect(selectLiveMacs(store.getState(), id)).toMatchObject({ kind: 'counted', total: measuredCost });
    // The comparison's note for the variant follows the same sizes.
    expect(variantMacsLine(selectLiveMacs(store.getState(), ids[1]!), selectLiveMacs(store.getState(), ids[0]!))).toBe(
      'MACs at the sizes set (input [1×512], sr []): 33.1 k, the original 33.1 k',
    );

    // Eight times the samples: about eight times the Conv's steps.
    store.getState().setInputDim('input[1]', 4096);
    await vi.advanceTimersByTimeAsync(RECOUNT_DELAY_MS);
    const at4096 = selectLiveMacs(store.getState(), ids[0]!);
    expect(at4096).toMatchObject({ kind: 'counted', complete: true, inputShapes: { input: [1, 4096] } });
    if (at4096?.kind === 'counted') expect(at4096.total).toBe(16 * 129 * 128 + 16 * 2);

    // Back to no size set: the measured figure again, and nothing is counted.
    store.getState().setInputDim('input[1]', null);
    expect(store.getState().liveMacs).toBeNull();
    expect(figure(store)).toEqual(before);
    await vi.advanceTimersByTimeAsync(RECOUNT_DELAY_MS * 2);
    expect(calls).toHaveLength(2);
  });

  it('does not wait for a compression in flight: the count lands while the compression still holds the queue', async () => {
    const { store, calls } = liveStore({ holdCompress: true });
    await store.getState().openFiles([onnxFile('vad.onnx')]);
    void store.getState().compress();
    await vi.advanceTimersByTimeAsync(0);
    expect(store.getState().compressStatus).toBe('running');
    store.getState().setInputDim('input[1]', 512);
    await vi.advanceTimersByTimeAsync(RECOUNT_DELAY_MS);
    expect(calls).toHaveLength(1);
    expect(store.getState().compressStatus).toBe('running');
    expect(figure(store).value).toBe('33.1 k');
  });

  it('a slow count overtaken by newer sizes never shows; sizes that do not fit say so', async () => {
    const { store, holdCounts, release } = liveStore();
    await store.getState().openFiles([onnxFile('vad.onnx')]);
    holdCounts(true);
    store.getState().setInputDim('input[1]', 512);
    await vi.advanceTimersByTimeAsync(RECOUNT_DELAY_MS);
    store.getState().setInputDim('input[1]', 1024);
    await vi.advanceTimersByTimeAsync(RECOUNT_DELAY_MS);
    release(); // the count at 512 lands late
    await vi.advanceTimersByTimeAsync(0);
    expect(store.getState().liveMacs).toBeNull();
    expect(store.getState().liveMacsPending).toBe(true);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(store.getState().liveMacs?.dims).toEqual({ 'input[1]': 1024 });
    holdCounts(false);

    // A size the fields refuse changes nothing and counts nothing.
    const counted = store.getState().liveMacs;
    store.getState().setInputDim('input[0]', 2.5);
    await vi.advanceTimersByTimeAsync(RECOUNT_DELAY_MS);
    expect(store.getState().liveMacs).toBe(counted);
  });

  it('a recount that fails (the analysis worker died) is reported and the figure keeps its last count', async () => {
    const { fake, store } = liveStore();
    await store.getState().openFiles([onnxFile('vad.onnx')]);
    const before = figure(store);
    fake.services.analysis = { macsAt: () => Promise.reject(new Error('The analysis worker stopped (out of memory).')) };
    store.getState().setInputDim('input[1]', 512);
    await vi.advanceTimersByTimeAsync(RECOUNT_DELAY_MS);
    expect(store.getState()).toMatchObject({ liveMacsPending: false, liveMacs: null, liveMacsError: { message: expect.stringContaining('out of memory') } });
    expect(figure(store)).toEqual(before);
  });

  it('sizes that do not fit the model, or make no inputs, say so in the figure', () => {
    const conv = unpaddedConv5x5();
    const summary = analyzeModel(conv, 0).macs;
    const tooSmall = macsFigure(summary, null, { result: macsAtDims(conv, { h: 2, w: 8 }), pending: false });
    expect(tooSmall).toEqual({
      value: '–',
      hint: 'Partial: these sizes do not fit the model (impossible shapes at conv5, not counted) at x [1×1×2×8], the sizes set (not measured at them yet)',
    });
    const fits = macsFigure(summary, null, { result: macsAtDims(conv, { h: 9, w: 8 }), pending: false });
    expect(fits).toEqual({ value: '2000', hint: 'Conv/MatMul/Gemm, counted from shapes at x [1×1×9×8], the sizes set (not measured at them yet)' });
    const invalid = macsFigure(summary, null, { result: macsAtDims(conv, { h: -1 }), pending: false });
    expect(invalid.value).toBe('–');
    expect(invalid.hint).toMatch(/^Not counted: Dim 'h' was given as -1; expected a non-negative integer\.$/);
  });
});
