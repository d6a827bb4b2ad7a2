import { describe, expect, it } from 'vitest';
import { buildReport, reportFromJsonText, reportRecipe, reportToJson, reportToMarkdown, WORST_LAYERS_KEPT } from '../../../src/core/report';
import { recipeFromJson } from '../../../src/core/recipe';
import { parseRecipe } from '../../../src/core/recipe/parse';
import type { DeviceProfile } from '../../../src/core/device/profile';
import type { LayerError } from '../../../src/core/evaluate/per-layer-result';
import { bench, sampleReport } from './report-fixtures';

const device: DeviceProfile = {
  host: 'browser',
  logicalCores: 8,
  memoryGiB: 8,
  userAgent: 'x'.repeat(2000),
  crossOriginIsolated: true,
  wasm: { simd: true, threads: true, relaxedSimd: false },
  wasmThreads: 8,
  webgpu: { vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader', isFallbackAdapter: true, features: [], limits: { maxBufferSize: 1, maxStorageBufferBindingSize: 1, maxComputeWorkgroupSizeX: 1, maxComputeInvocationsPerWorkgroup: 1, maxComputeWorkgroupStorageSize: 1 } },
  webgpuStatus: 'ok',
  figures: [
    { backend: 'wasm', threads: 8, probeMs: 1, compute: { ok: true, value: { backend: 'wasm', threads: 8, gflops: 41.23456, size: 256, runs: [], method: 'm' } }, bandwidth: { ok: false, error: { name: 'RuntimeError', message: 'no' } } },
  ],
  takenAt: 0,
};

const layer = (tensor: string, localSqnrDb: number): LayerError => ({
  tensor,
  node: tensor,
  opType: 'Conv',
  inputs: [],
  elements: 4,
  cosine: 1,
  sqnrDb: localSqnrDb - 1,
  maxAbs: 0,
  meanAbs: 0,
  relL2: 0,
  nonFinite: { reference: 0, candidate: 0 },
  localSqnrDb,
});

describe('buildReport', () => {
  it('keeps only the options that differ from the defaults, and recipeFromJson fills them back in', () => {
    const recipe = parseRecipe('int4:block=64+fp16-weight');
    const kept = reportRecipe(recipe);
    expect(kept).toEqual({ steps: [{ method: 'int4', options: { block: 64 } }, { method: 'fp16-weight' }] });
    expect(recipeFromJson({ version: 1, ...kept })).toEqual(recipe);
  });

  it('takes the device, the evaluation, accuracy and the worst layers, within the schema’s bounds', () => {
    const base = sampleReport();
    const report = buildReport({
      createdAt: new Date(Date.UTC(2026, 0, 1)),
      model: { fileName: 'm.onnx', sha256: base.model.sha256, summary: { sizeBytes: 10, opsets: [], params: 1, macs: { total: 2, byNode: [], complete: true, assumedDims: {} }, opHistogram: {} } },
      device,
      variants: [
        {
          label: 'L'.repeat(500),
          recipe: parseRecipe('int8-weight'),
          sizeBytes: 5,
          latency: [{ result: bench(1) }, { result: bench(2, 1) }],
          evaluation: {
            inputs: { kind: 'samples', count: 3, of: 3, labelled: true },
            evaluation: {
              samples: 3,
              outputs: [{ name: 'p', elements: 30, cosine: 0.99, sqnrDb: 20, maxAbs: 0.1, meanAbs: 0.01, relL2: 0.1, nonFinite: { reference: 0, candidate: 0 }, kind: 'classifier', top1Agreement: 1 }],
              accuracy: { output: 'p', samples: 3, reference: 66.666667, candidate: 33.333333, dropPoints: 33.333334 },
            },
          },
          perLayer: [layer('a', 30), layer('b', Infinity), layer('c', 10), layer('d', 20), layer('e', 40), layer('f', 50), layer('g', 15)],
        },
      ],
    });
    expect(report.device).toMatchObject({ host: 'browser', logicalCores: 8, webgpu: 'google · swiftshader · SwiftShader', figures: [{ backend: 'wasm', threads: 8, gflops: 41.23 }] });
    expect(report.device!.userAgent.length).toBe(512);
    expect(report.device!.figures[0]!.gbps).toBeUndefined();
    const v = report.variants[0]!;
    expect(v.label.length).toBe(200);
    expect(v.latency.map((l) => l.threads)).toEqual([2, 1]);
    expect(v.evaluation).toMatchObject({ inputs: 'samples', samples: 3, outputs: [{ name: 'p', cosine: 0.99, top1Agreement: 1 }] });
    expect(v.accuracy).toMatchObject({ reference: 66.667, candidate: 33.333, dropPoints: 33.333 });
    expect(v.worstLayers!.map((l) => l.tensor)).toEqual(['c', 'g', 'd', 'a', 'e']);
    expect(v.worstLayers).toHaveLength(WORST_LAYERS_KEPT);
    // Whatever the builder makes, the reader accepts.
    expect(reportFromJsonText(reportToJson(report))).toEqual(report);
  });
});

describe('speed intervals in a report', () => {
  const summary = { sizeBytes: 10, opsets: [], params: 1, macs: { total: 2, byNode: [], complete: true, assumedDims: {} }, opHistogram: {} };
  /** Run times around `ms` with a seeded wobble of ±`wobble` ms. */
  const runs = (ms: number, wobble: number, seed: number): number[] => Array.from({ length: 40 }, (_, i) => ms + wobble * Math.sin(i * 1.7 + seed));
  const timed = (samplesMs: number[]) => ({ result: { ...bench(samplesMs.slice().sort((a, b) => a - b)[20]!), samplesMs }, round: 3 });

  it('gives a variant timed with the original in one round the interval of its ratio, and "same speed" in Markdown when it contains 1', () => {
    const report = buildReport({
      createdAt: new Date(Date.UTC(2026, 11, 2)),
      model: { fileName: 'm.onnx', sha256: 'a'.repeat(64), summary },
      original: { latency: [timed(runs(10, 2, 0))] },
      variants: [
        { label: 'twice as fast', sizeBytes: 5, latency: [timed(runs(5, 0.2, 1))] },
        { label: 'noise', sizeBytes: 5, latency: [timed(runs(10, 2, 2))] },
        { label: 'other round', sizeBytes: 5, latency: [{ ...timed(runs(5, 0.2, 1)), round: 4 }] },
      ],
    });
    const [fast, noise, other] = report.variants.map((v) => v.latency[0]!.speedInterval);
    expect(fast!.low).toBeGreaterThan(1.5);
    expect(noise!.low).toBeLessThan(1);
    expect(noise!.high).toBeGreaterThan(1);
    expect(other).toBeUndefined();
    const again = reportFromJsonText(reportToJson(report));
    expect(again.variants[0]!.latency[0]!.speedInterval).toEqual(fast);
    const md = reportToMarkdown(report);
    expect(md).toMatch(/\| noise \|.*\| same speed \(/);
    expect(md).toMatch(/\| twice as fast \|.*faster \(/);
  });
});
