import { describe, expect, it } from 'vitest';
import { benchmarkModel, warmUpRuntime } from '../../src/runtime/benchmark';
import { compareModels, runSamples } from '../../src/runtime/compare';
import { createNodeRuntime } from '../../src/runtime/node';
import type { ModelSession, Runtime } from '../../src/runtime/types';
import { synthesizeModelInputs } from '../../src/core/evaluate/inputs';
import { encodeModel } from '../../src/core/onnx/encode';
import type { Progress } from '../../src/core/util/progress';
import { AbortError } from '../../src/core/util/errors';
import { mlp } from '../fixtures/models';

const runtime = createNodeRuntime();
const bytes = encodeModel(mlp());
const inputs = synthesizeModelInputs(mlp(), { seed: 3, count: 3, dims: { batch: 2 } });

/** Wraps a runtime to count open sessions, so tests can check that every session is released. */
function tracking(inner: Runtime): { runtime: Runtime; open: () => number; created: () => number } {
  let open = 0;
  let created = 0;
  return {
    open: () => open,
    created: () => created,
    runtime: {
      availableBackends: () => inner.availableBackends(),
      async createSession(b, o) {
        const s = await inner.createSession(b, o);
        open++;
        created++;
        const wrapped: ModelSession = { ...s, run: (f, n) => s.run(f, n), release: async () => { open--; await s.release(); } };
        return wrapped;
      },
    },
  };
}

describe('benchmarkModel', () => {
  it('times the session, the first run and `runs` runs, reports progress and releases the session', async () => {
    const t = tracking(runtime);
    const progress: Progress[] = [];
    const r = await benchmarkModel(t.runtime, bytes, inputs[0]!, { backend: 'wasm', threads: 1, warmup: 2, runs: 5, onProgress: (p) => progress.push(p) });
    expect(r.backend).toBe('wasm');
    expect(r.threads).toBe(1);
    expect(r.latencyMs.n).toBe(5);
    expect(r.throughputPerSec).toBeCloseTo(1000 / r.latencyMs.mean, 6);
    for (const v of [r.sessionMs, r.firstRunMs, r.latencyMs.min, r.latencyMs.mean]) expect(v).toBeGreaterThanOrEqual(0);
    expect(r.latencyMs.min).toBeLessThanOrEqual(r.latencyMs.p50);
    expect(r.latencyMs.p50).toBeLessThanOrEqual(r.latencyMs.p90);
    expect(r.latencyMs.p90).toBeLessThanOrEqual(r.latencyMs.max);
    const steps = progress.filter((p) => p.kind === 'step');
    expect(steps).toHaveLength(1 + 2 + 5);
    expect(steps.map((p) => p.kind === 'step' && p.phase)).toEqual(['first-run', 'warmup', 'warmup', 'run', 'run', 'run', 'run', 'run']);
    expect(t.open()).toBe(0);
    expect(t.created()).toBe(1);
  });

  it('stops on abort and still releases the session', async () => {
    const t = tracking(runtime);
    const controller = new AbortController();
    const run = benchmarkModel(t.runtime, bytes, inputs[0]!, {
      backend: 'wasm', threads: 1, warmup: 0, runs: 50, signal: controller.signal,
      onProgress: (p) => { if (p.kind === 'step' && p.index === 3) controller.abort(); },
    });
    await expect(run).rejects.toBeInstanceOf(AbortError);
    expect(t.open()).toBe(0);
  });

  it('warms the runtime up with a throwaway session it releases', async () => {
    const t = tracking(runtime);
    await warmUpRuntime(t.runtime, 'wasm', 1);
    expect(t.created()).toBe(1);
    expect(t.open()).toBe(0);
  });

  it('rejects nonsense counts before loading anything', async () => {
    await expect(benchmarkModel(runtime, bytes, inputs[0]!, { backend: 'wasm', threads: 1, warmup: 0, runs: 0 })).rejects.toThrow(/runs is 0/);
  });
});

describe('compareModels', () => {
  it('finds a model identical to itself', async () => {
    const t = tracking(runtime);
    const metrics = await compareModels(t.runtime, bytes, bytes, inputs);
    expect(metrics).toHaveLength(1);
    expect(metrics[0]).toMatchObject({ name: 'y', cosine: 1, maxAbs: 0, sqnrDb: Infinity, elements: 3 * 2 * 32 });
    expect(t.created()).toBe(2);
    expect(t.open()).toBe(0);
  });

  it('measures the difference to a model with other weights, matching the metrics of its outputs', async () => {
    const other = encodeModel(mlp(99));
    const [m] = await compareModels(runtime, bytes, other, inputs);
    expect(m!.cosine).toBeLessThan(0.9);
    expect(m!.maxAbs).toBeGreaterThan(0);
    const a = await runSamples(runtime, bytes, inputs);
    const b = await runSamples(runtime, other, inputs);
    const diffs = a.flatMap((s, k) => Array.from(s.y!.data as Float32Array, (v, i) => Math.abs(v - (b[k]!.y!.data as Float32Array)[i]!)));
    expect(diffs).toHaveLength(m!.elements);
    expect(m!.maxAbs).toBe(Math.max(...diffs));
    expect(m!.meanAbs).toBeCloseTo(diffs.reduce((x, y) => x + y, 0) / diffs.length, 9);
  });
});
