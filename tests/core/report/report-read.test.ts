import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  APP_VERSION,
  REPORT_LIMITS,
  REPORT_VERSION,
  ReportError,
  migrateReportJson,
  reportFromJson,
  reportFromJsonText,
  reportToJson,
  type Report,
} from '../../../src/core/report';
import { sampleReport } from './report-fixtures';

const v1 = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../fixtures/report-v1.json'), 'utf8')) as Record<string, unknown>;

function refused(json: unknown): ReportError {
  try {
    reportFromJson(json);
  } catch (e) {
    expect(e).toBeInstanceOf(ReportError);
    return e as ReportError;
  }
  throw new Error('expected the report to be refused');
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests reach into JSON of any shape to break it
type Json = any;

const withChange = (change: (r: Json) => void): unknown => {
  const r = JSON.parse(reportToJson(sampleReport())) as Json;
  change(r);
  return r;
};

describe('report JSON', () => {
  it('reads back what it writes, Infinity included', () => {
    const report = sampleReport();
    const text = reportToJson(report);
    expect(text).toContain('"sqnrDb":"Infinity"');
    const back = reportFromJsonText(text);
    expect(back).toEqual(report);
    expect(back.variants[0]!.fidelity!.outputs[0]!.sqnrDb).toBe(Infinity);
  });

  it('stamps the app version of package.json', () => {
    const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../package.json'), 'utf8')) as { version: string };
    expect(APP_VERSION).toBe(pkg.version);
    expect(sampleReport().app.version).toBe(pkg.version);
  });

  it('migrates the version-1 fixture to the current version', () => {
    const report = reportFromJson(v1);
    expect(report.version).toBe(REPORT_VERSION);
    expect(report.app).toEqual({ name: 'Featherweight', version: '0.1.0' });
    expect(report.createdAt).toBe(new Date(1795000000000).toISOString());
    expect(report.model.fileName).toBe('paddleocr-cls.onnx');
    expect(report.model.sizeBytes).toBe(585532);
    expect(report.original.sizeBytes).toBe(585532);
    expect(report.original.latency).toEqual([{ backend: 'wasm', threads: 2, sessionMs: 41.2, firstRunMs: 9.8, min: 2.91, p50: 3.12, p90: 3.6, max: 4.02, mean: 3.2, n: 10 }]);
    expect(report.variants.map((v) => [v.label, v.sizeBytes, v.latency.length])).toEqual([
      ['int8-weight', 181877, 1],
      ['fp16-weight', 296114, 0],
    ]);
    expect(report.variants[1]!.fidelity!.outputs[0]!.sqnrDb).toBe(Infinity);
    // Once migrated it writes and reads as the current version.
    expect(reportFromJsonText(reportToJson(report))).toEqual(report);
  });

  it('refuses a version-1 report whose moved fields are broken, in the schema', () => {
    const broken = { ...v1, model: { ...(v1.model as object), bytes: 'lots' } };
    expect(refused(broken).message).toMatch(/model\.sizeBytes/);
  });

  it('refuses newer, missing and malformed versions', () => {
    expect(refused({ ...v1, version: REPORT_VERSION + 1 }).message).toMatch(/newer Featherweight/);
    expect(refused({ ...v1, version: undefined }).reason).toBe('version');
    expect(refused({ ...v1, version: 1.5 }).reason).toBe('version');
    expect(() => migrateReportJson({ version: 1 }, { current: 3, migrations: { 1: (j) => ({ ...j, version: 2 }) } })).toThrow(/No migration from report version 2 to 3/);
  });

  it('refuses what is not a report', () => {
    expect(refused([1, 2]).message).toMatch(/JSON object; found an array/);
    expect(refused({ version: 1, steps: [] }).message).toMatch(/not a Featherweight report/);
    expect(() => reportFromJsonText('{"format":')).toThrow(ReportError);
  });

  it.each<[string, (r: Json) => void, RegExp]>([
    ['a negative size', (r) => (r.variants[0].sizeBytes = -1), /variants\.0\.sizeBytes: expected 0 or more/],
    ['an absurd size', (r) => (r.model.sizeBytes = 1e300), /model\.sizeBytes/],
    ['a latency of ten years', (r) => (r.original.latency[0].p50 = 3.2e11), /original\.latency\.0\.p50/],
    ['a cosine of 3', (r) => (r.variants[0].fidelity.outputs[0].cosine = 3), /cosine/],
    ['a number as a string', (r) => (r.variants[0].fidelity.outputs[0].cosine = '0.9'), /cosine/],
    ['NaN in disguise', (r) => (r.variants[0].fidelity.outputs[0].sqnrDb = 'NaN'), /sqnrDb/],
    ['a long label', (r) => (r.variants[0].label = 'x'.repeat(REPORT_LIMITS.label + 1)), /label: expected at most 200 characters/],
    ['a bad hash', (r) => (r.model.sha256 = 'not-a-hash'), /sha256: expected 64 lowercase hex digits/],
    ['too many variants', (r) => (r.variants = Array.from({ length: REPORT_LIMITS.variants + 1 }, () => r.variants[0])), /variants: expected at most 64 entries/],
    ['too many op types', (r) => (r.model.opHistogram = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`Op${i}`, 1]))), /op types/],
    ['an unknown backend', (r) => (r.original.latency[0].backend = 'cuda'), /backend/],
    ['a time in the year 9999', (r) => (r.createdAt = '9999-01-01T00:00:00.000Z'), /createdAt/],
    ['an empty recipe', (r) => (r.variants[0].recipe.steps = []), /at least one step/],
  ])('refuses %s and names the field', (_what, change, message) => {
    const e = refused(withChange(change));
    expect(e.reason).toBe('schema');
    expect(e.message).toMatch(message);
  });

  it('drops keys it does not know, prototype keys included', () => {
    const text = reportToJson(sampleReport()).replace('"label":"int8-weight"', '"label":"int8-weight","__proto__":{"polluted":1},"script":"<script>"');
    const report = reportFromJsonText(text);
    expect(Object.keys(report.variants[0]!)).not.toContain('script');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(report.variants[0])).toBe(Object.prototype);
  });

  it('round-trips any report the schema accepts (property test)', () => {
    // JSON has no negative zero: -0 comes back as 0, which is the same figure.
    const finite = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x));
    const latency = fc.record({
      backend: fc.constantFrom('wasm' as const, 'webgpu' as const),
      threads: fc.integer({ min: 1, max: 64 }),
      sessionMs: finite(0, 1e6),
      firstRunMs: finite(0, 1e6),
      min: finite(0, 1e6),
      p50: finite(0, 1e6),
      p90: finite(0, 1e6),
      max: finite(0, 1e6),
      mean: finite(0, 1e6),
      n: fc.integer({ min: 1, max: 1000 }),
    });
    const label = fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' });
    const output = fc.record({
      name: fc.string({ maxLength: 30 }),
      cosine: finite(-1, 1),
      sqnrDb: fc.oneof(finite(-500, 500), fc.constant(Infinity)),
      maxAbs: finite(0, 1e30),
      meanAbs: finite(0, 1e30),
      relL2: fc.oneof(finite(0, 1e30), fc.constant(Infinity)),
    });
    const variant = fc.record({
      label,
      sizeBytes: fc.integer({ min: 0, max: 1e12 }),
      latency: fc.array(latency, { maxLength: 3 }),
      recipe: fc.record({ steps: fc.array(fc.record({ method: fc.string({ minLength: 1, maxLength: 20 }) }), { minLength: 1, maxLength: 3 }) }),
      fidelity: fc.record({ inputs: fc.constantFrom('synthetic' as const, 'samples' as const), samples: fc.integer({ min: 1, max: 100 }), outputs: fc.array(output, { maxLength: 3 }) }),
    });
    fc.assert(
      fc.property(fc.array(variant, { maxLength: 4 }), fc.array(latency, { maxLength: 2 }), label, (variants, originalLatency, fileName) => {
        const base = sampleReport();
        const report: Report = { ...base, model: { ...base.model, fileName }, original: { ...base.original, latency: originalLatency }, variants };
        expect(reportFromJsonText(reportToJson(report))).toEqual(report);
      }),
      { numRuns: 200 },
    );
  });
});
