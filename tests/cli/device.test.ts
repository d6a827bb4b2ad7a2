import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/core/onnx/encode';
import { graph, model, node, valueInfo } from '../../src/core/ir/build';
import { DT } from '../../src/core/ir/dtype';
import { mlp } from '../fixtures/models';
import { cli, tempDir } from './cli-harness';

// probe, and bench's thread comparison, % of limit and WebGPU fallback list, through the real commands.
const tmp = tempDir();
const paths: Record<string, string> = {};

/** x[1,8] -> DynamicQuantizeLinear -> MatMulInteger -> Cast -> Relu: two nodes WebGPU has no kernel for. */
function integerMatMul() {
  return model(
    graph({
      name: 'int_mm',
      nodes: [
        node('DynamicQuantizeLinear', ['x'], ['q', 'qs', 'qz'], {}, { name: 'quantize_x' }),
        node('MatMulInteger', ['q', 'q_t'], ['acc'], {}, { name: 'int_matmul' }),
        node('Transpose', ['q'], ['q_t'], {}, { name: 'transpose' }),
        node('Cast', ['acc'], ['accf'], { to: DT.FLOAT }, { name: 'cast' }),
        node('Relu', ['accf'], ['y'], {}, { name: 'relu' }),
      ],
      inputs: [valueInfo('x', DT.FLOAT, [1, 8])],
      outputs: [valueInfo('y', DT.FLOAT, [1, 1])],
    }),
  );
}

beforeAll(() => {
  paths.mlp = tmp.write('mlp.onnx', encodeModel(mlp()));
  paths.intmm = tmp.write('int-mm.onnx', encodeModel(integerMatMul()));
});
afterAll(() => tmp.cleanup());

describe('probe', () => {
  it('prints the device profile as JSON with measured figures per thread count', async () => {
    const r = await cli('probe', '--threads', '1,2', '--target-ms', '2', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p).toMatchObject({ host: 'node', crossOriginIsolated: false, wasm: { simd: true, threads: true } });
    expect(p.logicalCores).toBeGreaterThanOrEqual(1);
    expect(p.webgpuStatus).toMatch(/no WebGPU/);
    expect(p.figures.map((f: { threads: number }) => f.threads)).toEqual([1, 2]);
    for (const f of p.figures) {
      expect(f.compute.ok && f.bandwidth.ok).toBe(true);
      expect(f.compute.value.gflops).toBeGreaterThan(0);
      expect(f.bandwidth.value.gbps).toBeGreaterThan(0);
      expect(f.bandwidth.value.method).toMatch(/16n bytes/);
    }
  });

  it('prints a readable profile, and rejects bad thread lists', async () => {
    const r = await cli('probe', '--threads', '1', '--target-ms', '1');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/logical cores\s+\d+/);
    expect(r.stdout).toMatch(/WASM\s+SIMD yes, threads yes, relaxed SIMD (yes|no)/);
    expect(r.stdout).toMatch(/wasm\s+1\s+\d+\.\d\s+\d+\s+\d+\.\d/);
    expect(r.stdout).toMatch(/GFLOP\/s: one float32 n x n x n MatMul/);
    const bad = await cli('probe', '--threads', '0,all');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--threads was '0,all'/);
  });
});

describe('bench device extensions', () => {
  it('compares 1 and 2 WASM threads in one run and shows each row against its own limit', async () => {
    const r = await cli('bench', paths.mlp!, paths.intmm!, '--threads', '1,2', '--runs', '3', '--warmup', '1', '--probe', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { results, models, probe } = JSON.parse(r.stdout);
    expect(results.map((x: { model: string; threads: number }) => [x.model, x.threads])).toEqual([
      [paths.mlp, 1],
      [paths.intmm, 1],
      [paths.mlp, 2],
      [paths.intmm, 2],
    ]);
    expect(probe.map((f: { threads: number }) => f.threads)).toEqual([1, 2]);
    for (const x of results) {
      expect(x.latencyMs.n).toBe(3);
      expect(x.percentOfLimit).toBeCloseTo((100 * x.bound.boundMs) / x.latencyMs.p50, 6);
    }
    expect(results[0].bound).toMatchObject({ boundMs: expect.any(Number), complete: true });
    expect(results[0].bound.boundMs).toBeGreaterThan(0);
    // MatMulInteger's MACs are not counted and DynamicQuantizeLinear's output shapes are not inferred.
    expect(results[1].bound.complete).toBe(false);
    expect(models[1].unknownActivations).toBeGreaterThan(0);
    // The bound uses the figures measured for the row's own thread count.
    const [one, two] = probe;
    const mlpCost = models[0];
    expect(mlpCost).toMatchObject({ macs: 64 * 128 + 128 * 32, macsComplete: true, inputShapes: { x: [1, 64] }, webgpuFallback: [] });
    expect(results[0].bound.computeMs).toBeCloseTo((2 * mlpCost.macs) / (one.compute.value.gflops * 1e6), 9);
    expect(results[2].bound.computeMs).toBeCloseTo((2 * mlpCost.macs) / (two.compute.value.gflops * 1e6), 9);
    expect(models[1].webgpuFallback.map((n: { name: string; op: string }) => `${n.name}:${n.op}`)).toEqual([
      'quantize_x:DynamicQuantizeLinear',
      'int_matmul:MatMulInteger',
    ]);
  });

  it('lists WebGPU fallbacks in the table output without --probe, and keeps one thread by default', async () => {
    const r = await cli('bench', paths.intmm!, '--runs', '1', '--warmup', '0');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/% of limit/);
    expect(r.stdout).toMatch(/int-mm\.onnx\s+wasm\s+1\s/);
    expect(r.stdout).toMatch(/fall back off WebGPU[\s\S]*int-mm\.onnx: 2 node\(s\) \(DynamicQuantizeLinear, MatMulInteger\): quantize_x, int_matmul/);
  });

  it('refuses a thread comparison on WebGPU', async () => {
    const r = await cli('bench', paths.mlp!, '--threads', 'all,1', '--backend', 'webgpu');
    expect(r.code).toBe(2);
  });
});
