import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { decodeModel } from '../../src/core/onnx/decode';
import { createNodeRuntime } from '../../src/runtime/node';
import { OCR_CLS, readOcrModel } from '../core/onnx/model-corpus';
import { runModel } from '../core/methods/run-helpers';
import { textImage } from '../fixtures/text-images';
import { cli, tempDir } from './cli-harness';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('compress --recipe low-rank (through the registry)', () => {
  const input = tmp.write('cls.onnx', readOcrModel(OCR_CLS));

  it('factors the PaddleOCR classifier at energy 0.9, prints the rank changes and totals, and writes a model that runs', async () => {
    const out = tmp.path('cls.low-rank.onnx');
    const r = await cli('compress', input, '--recipe', 'low-rank:energy=0.9', '-o', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/step\s+tensors\s+ms\s+parameters\s+MACs\s+stored\s+gzip/);
    expect(r.stdout).toMatch(/low-rank: \d+ weights factored to low rank \([\d.]+ k -> [\d.]+ k parameters in them\); lowest \S+: rank \d+ of \d+/);
    expect(r.stderr).toMatch(/warning \(low-rank\): Left \d+ MatMul\/Gemm\/Conv layer\(s\) as they are: .*3x3 kernel/);
    const original = decodeModel(readOcrModel(OCR_CLS));
    const written = decodeModel(new Uint8Array(readFileSync(out)));
    expect(written.graph!.node.length).toBeGreaterThan(original.graph!.node.length);
    const runtime = createNodeRuntime();
    const feeds = { x: textImage(4, 48, 192) };
    const [ref, got] = [await runModel(runtime, original, feeds), await runModel(runtime, written, feeds)];
    for (const [name, t] of Object.entries(ref)) expect(got[name]!.dims).toEqual(t.dims);
  });

  it('whiten=true reports each layer\'s output SQNR in --json, measured on seeded samples when none are given', async () => {
    const r = await cli('compress', input, '--recipe', 'low-rank:rank=ratio,ratio=0.5,whiten=true,samples=2', '-o', tmp.path('cls.whiten.onnx'), '--json');
    expect(r.code).toBe(0);
    const [step] = JSON.parse(r.stdout).steps as { changes: { kind: string; outputSqnrDb?: number; paramsAfter: number; paramsBefore: number }[]; warnings: string[]; before: { parameters: number }; after: { parameters: number } }[];
    const ranks = step!.changes.filter((c) => c.kind === 'rank');
    expect(ranks.length).toBeGreaterThan(0);
    expect(ranks.every((c) => Number.isFinite(c.outputSqnrDb) && c.paramsAfter < c.paramsBefore)).toBe(true);
    expect(step!.warnings.join(' ')).toMatch(/low-rank measured layer inputs on 2 seeded synthetic sample/);
    expect(step!.after.parameters).toBeLessThan(step!.before.parameters);
  });

  it('rejects an unknown rank selector, naming the choices', async () => {
    const r = await cli('compress', input, '--recipe', 'low-rank:rank=svd', '-o', tmp.path('bad.onnx'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/option 'rank' expects one of energy, ratio, sqnr; found 'svd'/);
  });
});
