import { afterAll, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { decodeModel } from '../../src/core/onnx/decode';
import { encodeModel } from '../../src/core/onnx/encode';
import { readFloat32 } from '../../src/core/ir/tensor';
import { mlp } from '../fixtures/models';
import { cli, tempDir } from './cli-harness';

vi.mock('../../src/core/methods/declarations', async (importOriginal) => (await import('../fixtures/with-test-method')).declarationsWithTestMethod(importOriginal));
vi.mock('../../src/core/methods/registry', async (importOriginal) => (await import('../fixtures/with-test-method')).registryWithTestMethod(importOriginal));

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('compress with a method the CLI has never heard of (registered by the test)', () => {
  it('runs it from the recipe grammar and prints its sparsity changes and the totals', async () => {
    const input = tmp.write('mlp.onnx', encodeModel(mlp()));
    const out = tmp.path('mlp.sparse.onnx');
    const r = await cli('compress', input, '--recipe', 'zero-fraction:fraction=0.75', '-o', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/step\s+tensors\s+ms\s+parameters\s+MACs\s+stored\s+gzip/);
    expect(r.stdout).toMatch(/zero-fraction: sparsity 75\.0% over 2 weights; highest \S+: 75\.0% zeros/);
    const written = decodeModel(new Uint8Array(readFileSync(out)));
    const zeros = written.graph!.initializer.filter((t) => t.dims.length >= 2).map((t) => readFloat32(t).filter((v) => v === 0).length / readFloat32(t).length);
    expect(zeros).toEqual([0.75, 0.75]);
  });

  it('hands methods the original model as their teacher', async () => {
    const input = tmp.write('mlp3.onnx', encodeModel(mlp()));
    const r = await cli('compress', input, '--recipe', 'int4:minElements=16+teacher-probe', '-o', tmp.path('mlp3.out.onnx'));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning \(teacher-probe\): teacher ran: '\S+' has \d+ values; the teacher is the original, not this step's input\./);
  });

  it('reports every change and the totals before and after in --json, with the recipe it ran', async () => {
    const input = tmp.write('mlp2.onnx', encodeModel(mlp()));
    const r = await cli('compress', input, '--recipe', 'zero-fraction', '-o', tmp.path('mlp2.out.onnx'), '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.recipe).toEqual({ version: 1, steps: [{ method: 'zero-fraction', options: { fraction: 0.5, order: 'magnitude' } }] });
    const [step] = report.steps;
    expect(step.changes).toHaveLength(2);
    expect(step.changes.every((c: { kind: string; zeros: number; elements: number }) => c.kind === 'sparsity' && c.zeros === c.elements / 2)).toBe(true);
    expect(step.before.parameters).toBe(step.after.parameters);
    expect(step.after.gzipBytes).toBeLessThan(step.before.gzipBytes);
    expect(step.before.storedBytes).toBe(step.after.storedBytes);
  });
});
