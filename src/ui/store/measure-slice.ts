import type { StateCreator } from 'zustand';
import type { Backend, BenchResult, FidelityResult } from '../services/types';
import { isAbort, toUiError, type UiError } from './ui-error';
import type { SliceDeps } from './store-deps';
import type { ModelSlice } from './model-slice';
import type { VariantsSlice } from './variants-slice';
import { benchProgressTracker, type BenchProgress } from './bench-progress';
import { guessedInputsAdvice, withGuessedInputsAdvice } from './guessed-inputs';
import { fidelitySampleCount } from '../../core/evaluate/fidelity-samples';

export type MeasureStatus = 'queued' | 'running' | 'done' | 'error' | 'cancelled';

/** Latency and fidelity of one model (the original or a variant) on one backend. */
export interface Measurement {
  backend: Backend;
  /** Measurements of the same round were timed back to back, so their ratios are fair. */
  round: number;
  status: MeasureStatus;
  bench: BenchResult | null;
  /** Outputs against the original's; always null for the original itself. */
  fidelity: FidelityResult | null;
  error: UiError | null;
}

export interface MeasureSlice {
  /** Backend the next measurement runs on. */
  backend: Backend;
  /** What the bench worker reported it can use; ['wasm'] until probed. */
  backends: Backend[];
  /** WASM threads the bench worker times with (1 until probed; more only when cross-origin isolated). */
  maxThreads: number;
  /** Time WASM on one thread instead of all of them (to see what the threads buy). */
  oneThread: boolean;
  /** Sizes the user set for the model's symbolic input dims (by name); the others get defaults. Cleared with the model. */
  inputDims: Record<string, number>;
  /** Sets one symbolic dim's size, or goes back to its default with null. Applies to the next measurement. */
  setInputDim(name: string, size: number | null): void;
  /** Values the user set for scalar inputs (a sample rate), by input name; the others are seeded random. Cleared with the model. */
  inputValues: Record<string, number>;
  /** Sets one scalar input's value (any finite number; the worker checks integer inputs), or back to random with null. */
  setInputValue(name: string, value: number | null): void;
  /** Timed runs per model in each measurement (a setting: more runs, a narrower interval). */
  benchRuns: number;
  /** Sets the runs per measurement, an integer in BENCH_RUNS' range; others are ignored. */
  setBenchRuns(runs: number): void;
  /** Runs done of runs planned in the timed run in flight, with the time left; null when none is timing. */
  measureProgress: BenchProgress | null;
  /** By model id: the original's and each variant's. */
  measurements: Record<string, Measurement>;
  /** What the bench worker is doing now, null when idle. */
  measurePhase: string | null;
  /**
   * By model id: 'ok' once onnxruntime-web has loaded it, else why it could not. A variant can be
   * downloaded only after it loaded, so no file that the runtime rejects is ever offered.
   */
  loadChecks: Record<string, 'ok' | UiError>;
  /** `oneThread` applies to WASM only. */
  setBackend(backend: Backend, oneThread?: boolean): void;
  probeBackends(): Promise<void>;
  /** Times a new variant together with the original (interleaved runs) and compares its outputs with the original's. */
  measureVariant(id: string): Promise<void>;
  /**
   * Times the original and every variant in one run on the chosen backend, their timed runs
   * interleaved (fair ratios even while the engine warms up), then compares outputs again.
   */
  remeasureAll(): Promise<void>;
  cancelMeasurements(): void;
  /** Drops one model's measurement (its variant was removed). */
  forgetMeasurement(id: string): void;
  /** Stops measuring and forgets every measurement, load check and input size (a new model was opened). */
  resetMeasurements(): void;
}

/** The user's symbolic dim sizes as a job option, absent when none is set. */
export const dimsOf = (dims: Record<string, number>): { dims?: Record<string, number> } => (Object.keys(dims).length > 0 ? { dims } : {});

/** The user's scalar input values as a job option, absent when none is set. */
export const valuesOf = (values: Record<string, number>): { values?: Record<string, number> } => (Object.keys(values).length > 0 ? { values } : {});

/** How the studio measures: a few timed runs each (the default of `benchRuns`), the same seeded inputs for every model. */
export const COMPARE_SETTINGS = { runs: 10, warmup: 2, seed: 42, samples: 2 } as const;

/** The range of timed runs per measurement the setting takes. */
export const BENCH_RUNS = { min: 3, max: 500 } as const;

const busy = (m: Measurement | undefined): boolean => m?.status === 'queued' || m?.status === 'running';

/** True while some measurement is queued or running. */
export const selectMeasuring = (s: Pick<MeasureSlice, 'measurements'>): boolean => Object.values(s.measurements).some(busy);

/** What the measure slice reads besides its own state: the original and the variants it times. */
type MeasureReads = MeasureSlice & Pick<ModelSlice, 'model' | 'summary'> & Pick<VariantsSlice, 'variants'>;

export const createMeasureSlice =
  ({ services, jobs }: SliceDeps): StateCreator<MeasureReads, [], [], MeasureSlice> =>
  (set, get) => {
    let probed = false;
    /** Probing takes a moment and nothing in the studio stops it: its calls get a signal no one aborts. */
    const probing = new AbortController().signal;
    /**
     * Replaced by each cancel: jobs queued before it find their signal aborted and do nothing, and
     * the call in flight (if a measurement holds the bench worker) is stopped by it.
     */
    let measuring = new AbortController();
    let rounds = 0;
    const { warmup, seed } = COMPARE_SETTINGS;

    const queued = (ids: readonly string[], backend: Backend, round: number): void => {
      const next = { ...get().measurements };
      for (const id of ids) next[id] = { backend, round, status: 'queued', bench: null, fidelity: null, error: null };
      set({ measurements: next });
    };
    /** Changes a measurement that is still wanted (its model or variant still there, same round). */
    const update = (id: string, round: number, changes: Partial<Measurement>): boolean => {
      const m = get().measurements[id];
      if (!m || m.round !== round) return false;
      set({ measurements: { ...get().measurements, [id]: { ...m, ...changes } } });
      return true;
    };
    const dimsOption = (): { dims?: Record<string, number>; values?: Record<string, number> } => {
      return { ...dimsOf(get().inputDims), ...valuesOf(get().inputValues) };
    };
    /** Which dims and values the inputs guessed and where to set them, for a failure's message. */
    const advice = (): string | null => guessedInputsAdvice(get().summary?.inputs ?? [], get().inputDims, get().inputValues);
    const labelOf = (id: string): string => (id === get().model?.id ? 'the original' : (get().variants.find((v) => v.id === id)?.label ?? id));
    const fail = (id: string, round: number, e: unknown): void => {
      const error = toUiError(e);
      update(id, round, isAbort(error) ? { status: 'cancelled' } : { status: 'error', error: withGuessedInputsAdvice(error, advice()) });
    };
    /**
     * Times the original and `ids` in one run with interleaved timed runs (fair ratios), then
     * compares each timed variant's outputs with the original's.
     */
    const timeTogether = async (signal: AbortSignal, originalId: string, ids: readonly string[], backend: Backend, round: number): Promise<void> => {
      const all = [originalId, ...ids];
      for (const id of all) update(id, round, { status: 'running' });
      set({ measurePhase: ids.length === 1 ? `Timing the original and ${labelOf(ids[0]!)}` : `Timing the original and ${ids.length} variants together` });
      let items;
      const runs = get().benchRuns;
      const track = benchProgressTracker(all.length, runs, () => performance.now());
      set({ measureProgress: { runsDone: 0, runsPlanned: runs, etaMs: null } });
      try {
        const threads = backend === 'wasm' && get().oneThread ? { threads: 1 as const } : {};
        items = await services.bench.measureAll(signal, all, { backend, runs, warmup, ...threads, ...dimsOption() }, (p) => {
          if (!signal.aborted) set({ measureProgress: track(p) });
        });
      } catch (e) {
        for (const id of all) fail(id, round, e);
        return;
      } finally {
        if (!signal.aborted) set({ measureProgress: null });
      }
      const checks = { ...get().loadChecks };
      items.forEach((item, i) => {
        const id = all[i]!;
        if (item.ok) checks[id] = 'ok';
        else if (checks[id] !== 'ok') checks[id] = item.error;
      });
      set({ loadChecks: checks });
      items.forEach((item, i) => {
        const id = all[i]!;
        if (!item.ok) update(id, round, { status: 'error', error: item.error });
        else update(id, round, id === originalId ? { bench: item.result, status: 'done' } : { bench: item.result });
      });
      const originalOk = items[0]?.ok === true;
      for (const [i, id] of ids.entries()) {
        if (items[i + 1]?.ok !== true) continue;
        if (originalOk) await compare(signal, originalId, id, backend, round);
        else update(id, round, { status: 'error', error: { name: 'Error', message: 'The original could not be timed, so outputs were not compared.' } });
      }
    };
    const compare = async (signal: AbortSignal, originalId: string, id: string, backend: Backend, round: number): Promise<void> => {
      if (!update(id, round, { status: 'running' })) return;
      set({ measurePhase: `Comparing the outputs of ${labelOf(id)}` });
      try {
        const samples = fidelitySampleCount(get().summary?.outputs ?? [], get().inputDims);
        const fidelity = await services.bench.fidelity(signal, originalId, id, { backend, seed, samples, ...dimsOption() });
        update(id, round, { fidelity, status: 'done' });
      } catch (e) {
        fail(id, round, e);
      }
    };
    /** Runs `body` in the shared queue unless a cancel came first. */
    const enqueue = (body: (signal: AbortSignal) => Promise<void>): Promise<void> => {
      const { signal } = measuring;
      return jobs.run(async () => {
        if (signal.aborted) return;
        try {
          await body(signal);
        } finally {
          if (!signal.aborted) set({ measurePhase: null, measureProgress: null });
        }
      });
    };

    return {
      backend: 'wasm',
      backends: ['wasm'],
      maxThreads: 1,
      oneThread: false,
      inputDims: {},
      setInputDim(name, size) {
        const next = { ...get().inputDims };
        if (size === null) delete next[name];
        else if (Number.isInteger(size) && size >= 1) next[name] = size;
        else return;
        set({ inputDims: next });
      },
      inputValues: {},
      setInputValue(name, value) {
        const next = { ...get().inputValues };
        if (value === null) delete next[name];
        else if (Number.isFinite(value)) next[name] = value;
        else return;
        set({ inputValues: next });
      },
      benchRuns: COMPARE_SETTINGS.runs,
      setBenchRuns(runs) {
        if (Number.isInteger(runs) && runs >= BENCH_RUNS.min && runs <= BENCH_RUNS.max) set({ benchRuns: runs });
      },
      measureProgress: null,
      measurements: {},
      loadChecks: {},
      measurePhase: null,
      setBackend(backend, oneThread = false) {
        if (get().backends.includes(backend)) set({ backend, oneThread: backend === 'wasm' && oneThread && get().maxThreads > 1 });
      },
      async probeBackends() {
        if (probed) return;
        probed = true;
        try {
          const backends = await services.bench.backends(probing);
          if (backends.length > 0) set({ backends });
          set({ maxThreads: await services.bench.maxThreads(probing) });
        } catch {
          probed = false; // e.g. cancelled mid-probe: try again next time
        }
      },
      measureVariant(id) {
        const { model, backend } = get();
        if (!model || !get().variants.some((v) => v.id === id)) return Promise.resolve();
        const round = (rounds += 1);
        queued([model.id, id], backend, round);
        return enqueue((signal) => timeTogether(signal, model.id, [id], backend, round));
      },
      remeasureAll() {
        const { model, variants, backend } = get();
        if (!model) return Promise.resolve();
        const round = (rounds += 1);
        const ids = variants.map((v) => v.id);
        queued([model.id, ...ids], backend, round);
        return enqueue((signal) => timeTogether(signal, model.id, ids, backend, round));
      },
      cancelMeasurements() {
        const measurements = get().measurements;
        if (!Object.values(measurements).some(busy)) return;
        // The bench worker also reads samples and evaluates: the abort stops it only when a measurement's call is in flight.
        measuring.abort();
        measuring = new AbortController();
        const next: Record<string, Measurement> = {};
        for (const [id, m] of Object.entries(measurements)) next[id] = busy(m) ? { ...m, status: 'cancelled' } : m;
        set({ measurements: next, measurePhase: null, measureProgress: null });
      },
      forgetMeasurement(id) {
        if (!(id in get().measurements)) return;
        const { [id]: _dropped, ...measurements } = get().measurements;
        set({ measurements });
      },
      resetMeasurements() {
        get().cancelMeasurements();
        set({ measurements: {}, loadChecks: {}, inputDims: {}, inputValues: {} });
      },
    };
  };
