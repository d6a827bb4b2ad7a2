import { describe, expect, it } from 'vitest';
import { graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import { boundFor, latencyBound, modelCost, percentOfLimit } from '../../../src/core/device/roofline';
import { webgpuFallbackNodes } from '../../../src/core/device/webgpu-fallback';
import { detectWasmFeatures, WASM_FEATURE_MODULES } from '../../../src/core/device/wasm-features';
import type { BackendFigures } from '../../../src/core/device/profile';
import { mlp } from '../../fixtures/models';

describe('modelCost', () => {
  it('counts the mlp by hand: MACs, weight bytes and float32 activations written and read once', () => {
    const cost = modelCost(mlp(), { x: [2, 64] });
    // Gemm 2x64 -> 128 and MatMul 2x128 -> 32.
    expect(cost.macs).toBe(2 * 64 * 128 + 2 * 128 * 32);
    expect(cost.macsComplete).toBe(true);
    expect(cost.weightBytes).toBe(4 * (128 * 64 + 128 + 128 * 32 + 32));
    // h1, a1 [2,128], m2, y [2,32]: each 4 bytes, written and read once.
    expect(cost.activationBytes).toBe(2 * 4 * (2 * 128 * 2 + 2 * 32 * 2));
    expect(cost.unknownActivations).toBe(0);
  });

  it('says when shapes are unknown instead of counting them as zero silently', () => {
    const cost = modelCost(mlp(), {});
    expect(cost.macsComplete).toBe(false);
    expect(cost.unknownActivations).toBeGreaterThan(0);
  });
});

describe('latency bound', () => {
  const cost = { macs: 1e9, macsComplete: true, weightBytes: 4e6, activationBytes: 6e6, unknownActivations: 0 };

  it('is the larger of compute time and memory time', () => {
    // 2e9 FLOP at 100 GFLOP/s = 20 ms; 1e7 bytes at 10 GB/s = 1 ms.
    const b = latencyBound(cost, 100, 10);
    expect(b.computeMs).toBeCloseTo(20, 10);
    expect(b.memoryMs).toBeCloseTo(1, 10);
    expect(b).toMatchObject({ boundMs: b.computeMs, limitedBy: 'compute', complete: true });
    const slowMemory = latencyBound(cost, 100, 0.1);
    expect(slowMemory).toMatchObject({ limitedBy: 'memory' });
    expect(slowMemory.boundMs).toBeCloseTo(100, 10);
    expect(percentOfLimit(40, b)).toBeCloseTo(50, 10);
  });

  it('rejects figures that are not positive, and is incomplete when the cost is', () => {
    expect(() => latencyBound(cost, 0, 10)).toThrow(RangeError);
    expect(latencyBound({ ...cost, unknownActivations: 1 }, 1, 1).complete).toBe(false);
  });

  it('picks the figures of the same backend and thread count', () => {
    const fig = (threads: number, gflops: number): BackendFigures => ({
      backend: 'wasm',
      threads,
      probeMs: 1,
      compute: { ok: true, value: { backend: 'wasm', threads, gflops, size: 256, runs: [], method: '' } },
      bandwidth: { ok: true, value: { backend: 'wasm', threads, gbps: 10, tensorBytes: 1, runs: [], method: '' } },
    });
    const figures = [fig(1, 10), fig(4, 40)];
    expect(boundFor(cost, figures, 'wasm', 4)!.computeMs).toBeCloseTo(50, 10);
    expect(boundFor(cost, figures, 'wasm', 1)!.computeMs).toBeCloseTo(200, 10);
    expect(boundFor(cost, figures, 'webgpu', 1)).toBeUndefined();
  });
});

describe('webgpuFallbackNodes', () => {
  it('names the nodes the WebGPU table lacks, with their op and graph', () => {
    const m = model(
      graph({
        nodes: [
          node('DynamicQuantizeLinear', ['x'], ['q', 's', 'z'], {}, { name: 'dq' }),
          node('MatMulInteger', ['q', 'w', 'z', 'wz'], ['y'], {}, { name: 'mmi' }),
          node('Relu', ['x'], ['r'], {}, { name: 'relu' }),
        ],
        inputs: [valueInfo('x', DT.FLOAT, [1, 4])],
        outputs: [valueInfo('y', DT.INT32, [1, 4])],
      }),
    );
    expect(webgpuFallbackNodes(m)).toEqual([
      { name: 'dq', op: 'DynamicQuantizeLinear', graphPath: expect.any(String) },
      { name: 'mmi', op: 'MatMulInteger', graphPath: expect.any(String) },
    ]);
    expect(webgpuFallbackNodes(mlp())).toEqual([]);
  });
});

describe('detectWasmFeatures', () => {
  it('asks the validator about one module per feature and treats a throw as unsupported', () => {
    const seen: Uint8Array[] = [];
    const only = (ok: Uint8Array) => (b: Uint8Array) => (seen.push(b), b === ok);
    expect(detectWasmFeatures(only(WASM_FEATURE_MODULES.simd))).toEqual({ simd: true, threads: false, relaxedSimd: false });
    expect(seen).toHaveLength(3);
    expect(
      detectWasmFeatures(() => {
        throw new Error('no WebAssembly');
      }),
    ).toEqual({ simd: false, threads: false, relaxedSimd: false });
  });

  it('builds well-formed modules: this Node compiles the SIMD and threads ones', () => {
    expect(() => new WebAssembly.Module(WASM_FEATURE_MODULES.simd as Uint8Array<ArrayBuffer>)).not.toThrow();
    expect(() => new WebAssembly.Module(WASM_FEATURE_MODULES.threads as Uint8Array<ArrayBuffer>)).not.toThrow();
    const real = detectWasmFeatures();
    expect(real.simd && real.threads).toBe(true);
    // Node 20 knows relaxed SIMD only behind a flag: the module must be rejected for that reason, not as malformed.
    if (!real.relaxedSimd) expect(() => new WebAssembly.Module(WASM_FEATURE_MODULES.relaxedSimd as Uint8Array<ArrayBuffer>)).toThrow(/relaxed/);
  });
});
