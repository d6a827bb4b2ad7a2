import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/core/onnx/encode';
import { reportFromJsonText } from '../../src/core/report';
import { sha256Hex } from '../../src/core/util/sha256';
import { mlp } from '../fixtures/models';
import { cli, tempDir } from './cli-harness';

const tmp = tempDir();
let model = '';
let variant = '';

beforeAll(async () => {
  model = tmp.write('mlp.onnx', encodeModel(mlp()));
  const r = await cli('compress', model, '--recipe', 'int8-weight', '-o', tmp.path('mlp.int8.onnx'), '--report', tmp.path('compress.json'));
  expect(r.code, r.stderr).toBe(0);
  variant = tmp.path('mlp.int8.onnx');
});
afterAll(() => tmp.cleanup());

describe('--report', () => {
  it('compress writes a report of the variant it made, with the input model’s identity', async () => {
    const report = reportFromJsonText(readFileSync(tmp.path('compress.json'), 'utf8'));
    expect(report.model.fileName).toBe('mlp.onnx');
    expect(report.model.sha256).toBe(await sha256Hex(new Uint8Array(readFileSync(model))));
    expect(report.model.params).toBe(128 * 64 + 128 + 128 * 32 + 32);
    expect(report.variants).toHaveLength(1);
    const v = report.variants[0]!;
    expect(v.recipe).toEqual({ steps: [{ method: 'int8-weight' }] });
    expect(v.sizeBytes).toBe(readFileSync(variant).byteLength);
    expect(v.gzipBytes).toBeGreaterThan(0);
    expect(v.macs).toBe(report.model.macs);
  });

  it('bench writes latency with its spread for each model, in Markdown and CSV too', { timeout: 120_000 }, async () => {
    for (const ext of ['json', 'md', 'csv']) {
      const r = await cli('bench', model, variant, '--runs', '3', '--warmup', '0', '--dim', 'batch=2', '--report', tmp.path(`bench.${ext}`));
      expect(r.code, r.stderr).toBe(0);
    }
    const report = reportFromJsonText(readFileSync(tmp.path('bench.json'), 'utf8'));
    expect(report.original.latency).toHaveLength(1);
    const l = report.variants[0]!.latency[0]!;
    expect(l).toMatchObject({ backend: 'wasm', threads: 1, n: 3 });
    expect(l.min).toBeLessThanOrEqual(l.p50);
    expect(l.p50).toBeLessThanOrEqual(l.max);
    expect(report.variants[0]!.label).toBe('mlp.int8.onnx');
    expect(report.variants[0]!.recipe).toBeUndefined();
    const md = readFileSync(tmp.path('bench.md'), 'utf8');
    expect(md).toContain('| mlp.int8.onnx |');
    const csv = readFileSync(tmp.path('bench.csv'), 'utf8').split('\r\n');
    expect(csv[0]).toMatch(/^model,recipe,size_bytes/);
    expect(csv[2]).toMatch(/^mlp\.int8\.onnx,/);
  });

  it('eval writes the candidate’s metrics and, with --per-layer, its worst layers', { timeout: 120_000 }, async () => {
    const r = await cli('eval', model, variant, '--samples', '2', '--dim', 'batch=2', '--per-layer', '--report', tmp.path('eval.json'));
    expect(r.code, r.stderr).toBe(0);
    const report = reportFromJsonText(readFileSync(tmp.path('eval.json'), 'utf8'));
    const v = report.variants[0]!;
    expect(v.evaluation).toMatchObject({ inputs: 'synthetic', samples: 2 });
    expect(v.evaluation!.outputs[0]!.name).toBe('y');
    expect(v.evaluation!.outputs[0]!.cosine).toBeGreaterThan(0.99);
    expect(v.evaluation!.outputs[0]!.cosine).toBeLessThan(1);
    expect(v.worstLayers!.length).toBeGreaterThan(0);
    // The CSV and Markdown forms carry the same metrics.
    expect((await cli('eval', model, variant, '--samples', '2', '--dim', 'batch=2', '--report', tmp.path('eval.csv'))).code).toBe(0);
    const [header, , line] = readFileSync(tmp.path('eval.csv'), 'utf8').split('\r\n').map((l) => l.split(','));
    const cosine = Number(line![header!.indexOf('y eval_cosine')]);
    expect(cosine).toBeGreaterThan(0.99);
    expect((await cli('eval', model, variant, '--samples', '2', '--dim', 'batch=2', '--report', tmp.path('eval.md'))).code).toBe(0);
    expect(readFileSync(tmp.path('eval.md'), 'utf8')).toMatch(/mlp\.int8\.onnx on 2 seeded random inputs: y cosine 0\.99/);
  });

  it('refuses an unknown extension before doing any work, and a report path that is an input', async () => {
    const r = await cli('bench', model, '--report', tmp.path('bench.txt'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/must end in \.json, \.md or \.csv/);
    const same = await cli('eval', model, variant, '--report', variant);
    expect(same.code).toBe(2);
  });
});
