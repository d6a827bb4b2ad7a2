import { describe, expect, it } from 'vitest';
import { createStudioStore } from '../../src/ui/store/studio-store';
import { comparisonRows } from '../../src/ui/store/comparison-rows';
import { benchProgressLabel, benchProgressTracker } from '../../src/ui/store/bench-progress';
import { guessedInputsAdvice } from '../../src/ui/store/guessed-inputs';
import type { BenchOptions, FidelityOptions, Progress } from '../../src/ui/services/types';
import { RuntimeError } from '../../src/core/util/errors';
import { graphInputSpecs } from '../../src/core/evaluate/io-spec';
import { fakeBench, fakeMethods, fakeRecipeText, fakeServices, fakeSummary, onnxFile } from './fakes';
import { voiceActivity } from '../fixtures/voice-activity';

/** The voice-activity fixture's inputs and output as the summary lists them. */
const vadSummary = (size: number) =>
  fakeSummary(size, {
    inputs: graphInputSpecs(voiceActivity()).map((s) => ({ name: s.name, dtype: String(s.dtype), shape: s.shape ? [...s.shape] : null })),
    outputs: [{ name: 'prob', dtype: 'float32', shape: [null, 2] }],
  });

function vadStore() {
  const fake = fakeServices();
  const analyze = fake.services.models.analyze;
  fake.services.models.analyze = async (signal, id) => vadSummary((await analyze(signal, id)).sizeBytes);
  const store = createStudioStore({ services: fake.services, methods: fakeMethods, recipeText: fakeRecipeText });
  return { fake, store };
}

describe('measurements with unnamed dims and scalar inputs', () => {
  it('a failed run says which dims were guessed and which scalars were random, and where to set them', async () => {
    const { fake, store } = vadStore();
    await store.getState().openFiles([onnxFile('vad.onnx')]);
    fake.services.bench.measureAll = async () => {
      throw new RuntimeError("Pad reflect: pre-pad (64) exceeds maximum allowed (15) for axis 2.");
    };
    await store.getState().remeasureAll();
    const error = store.getState().measurements[store.getState().model!.id]!.error!;
    expect(error.message).toContain('Pad reflect: pre-pad (64)');
    expect(error.message).toContain('unknown dims were guessed (input[0]=1, input[1]=16)');
    expect(error.message).toContain('scalar inputs were random (sr=random in [0, 10))');
    expect(error.message).toContain('set them under Input sizes');
  });

  it('passes the sizes and values set to timing and fidelity, and the advice names only what is still guessed', async () => {
    const { fake, store } = vadStore();
    await store.getState().openFiles([onnxFile('vad.onnx')]);
    store.getState().setInputDim('input[1]', 512);
    store.getState().setInputValue('sr', 16000);
    store.getState().setInputValue('sr', Number.NaN);
    const timed: BenchOptions[] = [];
    const compared: FidelityOptions[] = [];
    const { measureAll, fidelity } = fake.services.bench;
    fake.services.bench.measureAll = (signal, ids, options, onProgress) => (timed.push(options), measureAll(signal, ids, options, onProgress));
    fake.services.bench.fidelity = (signal, a, b, options) => (compared.push(options), fidelity(signal, a, b, options));
    await store.getState().compress();
    await store.getState().remeasureAll();
    expect(timed.at(-1)).toMatchObject({ dims: { 'input[1]': 512 }, values: { sr: 16000 } });
    // prob [?, 2]: 2 numbers per input, so 16 inputs for a cosine over 32.
    expect(compared.at(-1)).toMatchObject({ dims: { 'input[1]': 512 }, values: { sr: 16000 }, samples: 16 });
    expect(guessedInputsAdvice(store.getState().summary!.inputs, store.getState().inputDims, store.getState().inputValues)).toMatch(/guessed \(input\[0\]=1\)\. If/);
    store.getState().setInputValue('sr', null);
    expect(store.getState().inputValues).toEqual({});
    store.getState().setInputValue('sr', 8000);
    await store.getState().openFiles([onnxFile('other.onnx')]);
    expect(store.getState().inputValues).toEqual({});
  });

  it('evaluation on synthetic inputs gets the same sizes and values', async () => {
    const { fake, store } = vadStore();
    await store.getState().openFiles([onnxFile('vad.onnx')]);
    await store.getState().compress();
    store.getState().setInputDim('input[1]', 512);
    store.getState().setInputValue('sr', 8000);
    const seen: unknown[] = [];
    const evaluate = fake.services.evaluation.evaluate;
    fake.services.evaluation.evaluate = (signal, ref, ids, settings, options, onProgress) => (seen.push(options), evaluate(signal, ref, ids, settings, options, onProgress));
    await store.getState().evaluateVariants();
    expect(seen).toEqual([{ backend: 'wasm', dims: { 'input[1]': 512 }, values: { sr: 8000 } }]);
  });

  it('times as many runs as the setting says and reports runs done of runs planned', async () => {
    const { fake, store } = vadStore();
    await store.getState().openFiles([onnxFile('vad.onnx')]);
    store.getState().setBenchRuns(2);
    store.getState().setBenchRuns(40.5);
    expect(store.getState().benchRuns).toBe(10);
    store.getState().setBenchRuns(40);
    const seen: (string | null)[] = [];
    const unsubscribe = store.subscribe((s) => {
      const label = s.measureProgress && benchProgressLabel({ ...s.measureProgress, etaMs: null });
      if (label && seen.at(-1) !== label) seen.push(label);
    });
    fake.services.bench.measureAll = async (_signal, ids, options, onProgress) => {
      for (let r = 0; r < options.runs; r++) for (let k = 0; k < ids.length; k++) onProgress?.({ kind: 'step', phase: 'run', index: r * ids.length + k + 1, total: options.runs * ids.length });
      return ids.map(() => ({ ok: true as const, result: { ...fakeBench(5), latencyMs: { ...fakeBench(5).latencyMs, n: options.runs } } }));
    };
    await store.getState().remeasureAll();
    unsubscribe();
    expect(seen[0]).toBe('0 of 40 timed runs done');
    expect(seen).toContain('39 of 40 timed runs done');
    expect(store.getState().measureProgress).toBeNull();
  });
});

describe('bench progress', () => {
  it('counts a run done once every model ran it, and extrapolates the time left from the runs so far', () => {
    let t = 0;
    const track = benchProgressTracker(2, 3, () => t);
    const run = (i: number): Progress => ({ kind: 'step', phase: 'run', index: i, total: 6 });
    expect(track({ kind: 'step', phase: 'load', index: 1, total: 12 })).toEqual({ runsDone: 0, runsPlanned: 3, etaMs: null });
    expect(track(run(1))).toEqual({ runsDone: 0, runsPlanned: 3, etaMs: null });
    t = 100;
    expect(track(run(2))).toEqual({ runsDone: 0, runsPlanned: 3, etaMs: 500 });
    t = 200;
    expect(track(run(3))).toEqual({ runsDone: 1, runsPlanned: 3, etaMs: 400 });
    expect(benchProgressLabel({ runsDone: 1, runsPlanned: 3, etaMs: 12_400 })).toBe('1 of 3 timed runs done · about 12 s left');
  });
});

describe('speed ratios with their interval', () => {
  it('a variant timed alongside the original at the same speed is "same", a clearly faster one "faster"', () => {
    const drift = [30, 22, 18, 15, 13, 12, 11, 11, 10, 10];
    const bench = (scale: number, jitter: number) => ({ ...fakeBench(10), samplesMs: drift.map((d, i) => d * scale * (1 + jitter * Math.sin(i * 7.3))) });
    const measurement = (b: ReturnType<typeof bench>) => ({ backend: 'wasm' as const, round: 1, status: 'done' as const, bench: b, fidelity: null, error: null });
    const variant = (id: string) => ({ id, label: id, recipeText: id, recipe: { steps: [] }, fileName: `${id}.onnx`, sizeBytes: 10, steps: [], ms: 1, cpuOnly: false });
    const rows = comparisonRows({ id: 'o', sizeBytes: 10 }, [variant('same'), variant('fast')], {
      o: measurement(bench(1, 0.05)),
      same: measurement(bench(1, -0.05)),
      fast: measurement(bench(0.5, 0.02)),
    });
    expect(rows[1]!.speedVerdict).toBe('same');
    expect(rows[1]!.speedInterval!.paired).toBe(true);
    expect(rows[2]!.speedVerdict).toBe('faster');
    expect(rows[2]!.speedInterval!.low).toBeGreaterThan(1.5);
    expect(rows[0]!.speedInterval).toBeNull();
  });
});
