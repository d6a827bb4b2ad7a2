import { afterAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/core/onnx/encode';
import { matmulProbeFeeds, matmulProbeModel, streamProbeFeeds, streamProbeModel } from '../../src/core/device/probe-models';
import { AbortError } from '../../src/core/util/errors';
import { probeDevice } from '../../src/runtime/device-probe';
import { nodeHostFacts } from '../../src/runtime/node-device';
import { createNodeRuntime } from '../../src/runtime/node';
import { createThreadRuntime, type ThreadRuntime } from '../../src/runtime/thread-runtime';
import { measureCompute } from '../../src/runtime/throughput';
import type { Runtime } from '../../src/runtime/types';
import { mlp } from '../fixtures/models';
import { randn } from '../core/methods/run-helpers';

const runtime = createNodeRuntime();
const threaded: ThreadRuntime[] = [];
afterAll(async () => {
  for (const t of threaded) await t.close();
});

describe('probe models', () => {
  it('compute what they claim in onnxruntime-web: every element of C is 1, the stream max is 1', async () => {
    for (const [m, feeds] of [
      [matmulProbeModel(), matmulProbeFeeds(96)],
      [streamProbeModel(), streamProbeFeeds(1000)],
    ] as const) {
      const s = await runtime.createSession(encodeModel(m));
      try {
        const out = await s.run(feeds);
        expect(out.y!.dims).toEqual([]);
        expect(out.y!.data[0]).toBeCloseTo(1, 5);
      } finally {
        await s.release();
      }
    }
  });
});

describe('probeDevice (Node, WASM)', () => {
  it('reports the host and positive measured figures, growing sizes until the target time', async () => {
    const steps: string[] = [];
    const profile = await probeDevice(nodeHostFacts(), [{ runtime, backend: 'wasm', threads: 1 }], {
      targetMs: 2,
      runs: 1,
      matmulSizes: [32, 64, 128, 256],
      streamLengths: [1 << 12, 1 << 16],
      onProgress: (p) => p.kind === 'step' && steps.push(`${p.phase}:${p.item}`),
    });
    expect(profile).toMatchObject({ host: 'node', logicalCores: expect.any(Number), crossOriginIsolated: false, webgpu: undefined });
    expect(profile.userAgent).toMatch(/^Node v\d+/);
    expect(profile.memoryGiB).toBeGreaterThan(0);
    expect(profile.wasm.simd).toBe(true);
    const [f] = profile.figures;
    expect(f).toMatchObject({ backend: 'wasm', threads: 1, compute: { ok: true }, bandwidth: { ok: true } });
    if (!f!.compute.ok || !f!.bandwidth.ok) return;
    expect(f!.compute.value.gflops).toBeGreaterThan(0);
    expect(f!.bandwidth.value.gbps).toBeGreaterThan(0);
    // Sizes are tried smallest first and stop once a run reaches the target.
    const sizes = f!.compute.value.runs.map((r) => r.size);
    expect(sizes).toEqual([32, 64, 128, 256].slice(0, sizes.length));
    expect(f!.compute.value.runs.slice(0, -1).every((r) => r.ms < 2)).toBe(true);
    expect(f!.bandwidth.value.tensorBytes).toBe(4 * (f!.bandwidth.value.runs.length === 2 ? 1 << 16 : 1 << 12));
    expect(steps[0]).toBe('wasm: matmul:32');
  });

  it('reports a backend that computes the probe wrongly instead of trusting its time', async () => {
    const liar: Runtime = {
      availableBackends: async () => ['wasm'],
      async createSession() {
        return { backend: 'wasm', inputs: [], outputs: [], run: async () => ({ y: { dtype: 'float32', dims: [], data: Float32Array.of(0) } }), release: async () => {} };
      },
    };
    const profile = await probeDevice(nodeHostFacts(), [{ runtime: liar, backend: 'wasm', threads: 1 }], { matmulSizes: [8], streamLengths: [8] });
    expect(profile.figures[0]!.compute).toMatchObject({ ok: false, error: { name: 'RuntimeError', message: expect.stringMatching(/returned 0 instead of 1/) } });
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(measureCompute(runtime, { backend: 'wasm', threads: 1, signal: controller.signal, matmulSizes: [8] })).rejects.toBeInstanceOf(AbortError);
    await expect(probeDevice(nodeHostFacts(), [{ runtime, backend: 'wasm', threads: 1 }], { signal: controller.signal })).rejects.toBeInstanceOf(AbortError);
  });
});

describe('thread runtime', () => {
  it('runs a model in a worker thread with its own thread count, same outputs as in process, and its own run time', async () => {
    const two = await createThreadRuntime(2);
    threaded.push(two);
    const bytes = encodeModel(mlp());
    const feeds = { x: { dtype: 'float32' as const, dims: [1, 64], data: randn(5, 64) } };
    const here = await runtime.createSession(bytes);
    const there = await two.createSession(bytes);
    try {
      expect(there.threads).toBe(2);
      expect(there.lastRunMs).toBeUndefined();
      const a = await here.run(feeds);
      const b = await there.run(feeds);
      expect(Array.from(b.y!.data as Float32Array)).toEqual(Array.from(a.y!.data as Float32Array));
      expect(there.lastRunMs).toBeGreaterThan(0);
    } finally {
      await here.release();
      await there.release();
    }
  });

  it("gives onnxruntime's reason for a model it rejects, and refuses WebGPU", async () => {
    const one = await createThreadRuntime(1);
    threaded.push(one);
    await expect(one.createSession(Uint8Array.of(1, 2, 3))).rejects.toMatchObject({ name: 'RuntimeError' });
    await expect(one.createSession(encodeModel(mlp()), { backend: 'webgpu' })).rejects.toMatchObject({ name: 'RuntimeError', message: /WebGPU is not available/ });
    await one.close();
    await expect(one.createSession(encodeModel(mlp()))).rejects.toMatchObject({ message: /has ended/ });
  });
});
