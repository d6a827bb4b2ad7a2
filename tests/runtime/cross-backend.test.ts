import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/core/onnx/encode';
import { synthesizeModelInputs } from '../../src/core/evaluate/inputs';
import { judgeAgreement } from '../../src/core/device/backend-agreement';
import { compareTensors } from '../../src/core/evaluate/metrics';
import { BackendUnavailableError, crossBackendCheck } from '../../src/runtime/cross-backend';
import { runSamples } from '../../src/runtime/compare';
import type { NodePlacements } from '../../src/runtime/node-placement';
import { createNodeRuntime } from '../../src/runtime/node';
import type { Runtime } from '../../src/runtime/types';
import { RuntimeError } from '../../src/core/util/errors';
import { mlp } from '../fixtures/models';

const node = createNodeRuntime();
const bytes = encodeModel(mlp());
const inputs = synthesizeModelInputs(mlp(), { seed: 3, count: 2 });

/**
 * Node has no WebGPU, so this stands in for it: the "webgpu" sessions are real WASM sessions whose
 * float outputs go through `distort` (identity: a faithful backend; otherwise a broken kernel).
 */
function pretendWebGpu(distort: (v: number, i: number) => number, placements?: NodePlacements): Runtime {
  return {
    availableBackends: async () => ['wasm', 'webgpu'],
    async createSession(b, options = {}) {
      const session = await node.createSession(b, { ...options, backend: 'wasm' });
      if (options.backend !== 'webgpu') return session;
      return {
        ...session,
        backend: 'webgpu',
        ...(options.placements && placements && { placements }),
        async run(feeds, names) {
          const out = await session.run(feeds, names);
          for (const t of Object.values(out)) if (t.data instanceof Float32Array) t.data = t.data.map(distort);
          return out;
        },
        release: () => session.release(),
      };
    },
  };
}

describe('crossBackendCheck', () => {
  it('says with a typed error that Node has no WebGPU, before running anything', async () => {
    const check = crossBackendCheck(node, bytes, inputs);
    await expect(check).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(check).rejects.toBeInstanceOf(RuntimeError);
    await expect(check).rejects.toMatchObject({ backend: 'webgpu', message: expect.stringMatching(/needs webgpu, which is not available here \(available: wasm\)/) });
  });

  it('passes a backend that computes the same outputs, over all samples', async () => {
    const r = await crossBackendCheck(pretendWebGpu((v) => v), bytes, inputs);
    expect(r).toMatchObject({ reference: 'wasm', candidate: 'webgpu', samples: 2, agree: true, tolerance: { minSqnrDb: 30, minCosine: 0.999 } });
    expect(r.outputs).toHaveLength(1);
    expect(r.outputs[0]).toMatchObject({ name: 'y', elements: 2 * 32, agrees: true, problems: [], maxAbs: 0 });
  });

  it('flags a backend whose outputs are silently wrong, saying which limit they cross', async () => {
    // Every fourth element zeroed: the kind of damage a mis-lowered kernel does.
    const r = await crossBackendCheck(pretendWebGpu((v, i) => (i % 4 === 0 ? 0 : v)), bytes, inputs);
    expect(r.agree).toBe(false);
    expect(r.outputs[0]!.agrees).toBe(false);
    expect(r.outputs[0]!.problems.join('; ')).toMatch(/SQNR .* dB is below 30 dB/);
  });

  it('tolerates float-level differences and honours a stricter tolerance', async () => {
    const tiny = pretendWebGpu((v) => v * (1 + 1e-5));
    expect((await crossBackendCheck(tiny, bytes, inputs)).agree).toBe(true);
    expect((await crossBackendCheck(tiny, bytes, inputs, { tolerance: { minSqnrDb: 120 } })).agree).toBe(false);
  });
});

describe('node placement in crossBackendCheck and runSamples', () => {
  // What onnxruntime's verbose log gives for a split model (parsed in node-placement.test.ts).
  const split: NodePlacements = {
    providers: [
      { provider: 'WebGpuExecutionProvider', count: 2, nodes: [] },
      { provider: 'CPUExecutionProvider', count: 1, nodes: [{ opType: 'MatMul', name: 'fc2' }] },
    ],
  };

  it('reports the WebGPU node count and the nodes placed elsewhere, when the host can read them', async () => {
    const r = await crossBackendCheck(pretendWebGpu((v) => v, split), bytes, inputs);
    expect(r.placement).toEqual({ webgpuNodes: 2, fallback: [split.providers[1]] });
    expect('placement' in (await crossBackendCheck(pretendWebGpu((v) => v), bytes, inputs))).toBe(false);
  });

  it('releases the session when the placement callback throws', async () => {
    const released: string[] = [];
    const tracking: Runtime = {
      availableBackends: async () => ['wasm'],
      async createSession(b, options) {
        const session = await node.createSession(b, options);
        return { ...session, release: async () => (released.push('released'), session.release()) };
      },
    };
    const failing = runSamples(tracking, bytes, inputs, {
      onPlacements: () => {
        throw new Error('callback failed');
      },
    });
    await expect(failing).rejects.toThrow('callback failed');
    expect(released).toEqual(['released']);
  });
});

describe('judgeAgreement', () => {
  it('flags NaN or Inf that only one side has', () => {
    const ref = { dtype: 'float32' as const, dims: [3], data: Float32Array.of(1, 2, 3) };
    const cand = { dtype: 'float32' as const, dims: [3], data: Float32Array.of(1, 2, NaN) };
    const [j] = judgeAgreement([compareTensors('y', ref, cand)]);
    expect(j!.agrees).toBe(false);
    expect(j!.problems).toContain('non-finite values: 0 in the reference, 1 in the candidate');
  });
});
