import { afterAll, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { decodeModel } from '../../src/core/onnx/decode';
import { encodeModel } from '../../src/core/onnx/encode';
import { readFloat32 } from '../../src/core/ir/tensor';
import { listNodes } from '../../src/core/ir/walk';
import { mlp } from '../fixtures/models';
import { cli, tempDir } from './cli-harness';

vi.mock('../../src/core/methods/declarations', async (importOriginal) => (await import('../fixtures/with-test-method')).declarationsWithTestMethod(importOriginal));
vi.mock('../../src/core/methods/registry', async (importOriginal) => (await import('../fixtures/with-test-method')).registryWithTestMethod(importOriginal));

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('compress with GPTQ and reconstruct from the command line', () => {
  it('int4:algorithm=gptq runs with the CLI runtime and warns that it used synthetic samples', async () => {
    const input = tmp.write('mlp.onnx', encodeModel(mlp()));
    const out = tmp.path('mlp.int4.onnx');
    const r = await cli('compress', input, '--recipe', 'int4:min-elements=16,algorithm=gptq', '-o', out);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/seeded synthetic sample/);
    const written = decodeModel(new Uint8Array(readFileSync(out)));
    expect(listNodes(written).filter(({ node }) => node.opType === 'MatMulNBits')).toHaveLength(2);
  });

  it('zero-fraction+reconstruct refits the pruned layers against the original and keeps their zeros', async () => {
    const input = tmp.write('mlp2.onnx', encodeModel(mlp()));
    const out = tmp.path('mlp2.out.onnx');
    const r = await cli('compress', input, '--recipe', 'zero-fraction:fraction=0.5+reconstruct:samples=8', '-o', out);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/before -> after refitting: fc1 [\d.]+ -> [\d.]+ dB; fc2/);
    const written = decodeModel(new Uint8Array(readFileSync(out)));
    const zeros = written.graph!.initializer.filter((t) => t.dims.length >= 2).map((t) => readFloat32(t).filter((v) => v === 0).length / readFloat32(t).length);
    expect(zeros).toEqual([0.5, 0.5]);
  });
});
