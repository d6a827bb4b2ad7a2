import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeModel } from '../../src/core/onnx/decode';
import { encodeModel } from '../../src/core/onnx/encode';
import { mlp } from '../fixtures/models';
import { cli, tempDir } from './cli-harness';

const tmp = tempDir();
const input = tmp.write('mlp.onnx', encodeModel(mlp()));
afterAll(() => tmp.cleanup());

describe('compress --override', () => {
  it('applies repeatable per-layer overrides after the recipe (fc1 float, fc2 int4 in an int8-dynamic recipe)', async () => {
    const out = tmp.path('mixed.onnx');
    const r = await cli('compress', input, '--recipe', 'int8-dynamic', '--override', 'fc1=float', '--override', 'fc?=int4:block=16', '-o', out, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const steps = JSON.parse(r.stdout).steps as { method: string; tensors: number; overrideNodes?: string[] }[];
    expect(steps.map((s) => [s.method, s.tensors, s.overrideNodes])).toEqual([
      ['int8-dynamic', 0, undefined],
      ['int4', 1, ['fc?']],
    ]);
    const nodes = decodeModel(readFileSync(out)).graph!.node;
    expect(nodes.find((n) => n.name === 'fc1')).toMatchObject({ opType: 'Gemm', domain: '' });
    expect(nodes.find((n) => n.name === 'fc2')).toMatchObject({ opType: 'MatMulNBits', domain: 'com.microsoft' });
  });

  it('adds to the overrides of a --recipe-file; a malformed override is a RecipeError (exit 3)', async () => {
    const recipe = tmp.write('r.json', JSON.stringify({ steps: [{ method: 'int4' }], overrides: [{ nodes: 'fc1', method: 'float' }] }));
    const r = await cli('compress', input, '--recipe-file', recipe, '--override', 'fc2=float', '-o', tmp.path('none-changed.onnx'), '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).steps).toMatchObject([{ method: 'int4', tensors: 0 }]);
    const bad = await cli('compress', input, '--recipe', 'int4', '--override', 'fc2', '-o', tmp.path('never.onnx'));
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/RecipeError: Override 1 \('fc2'\) is not <nodes>=<method>/);
  });

  it("'recipes' documents the override grammar, in text and JSON", async () => {
    const json = JSON.parse((await cli('recipes', '--json')).stdout);
    expect(json.overrides).toMatchObject({ grammar: expect.stringContaining('<nodes>=float'), examples: expect.arrayContaining(["--override 'conv_1*=float'"]) });
    expect(json.methods.find((m: { id: string }) => m.id === 'fp16').options.find((o: { key: string }) => o.key === 'excludeNodes')).toMatchObject({ patterns: true });
    expect((await cli('recipes')).stdout).toMatch(/Per-layer overrides \(compress --override, repeatable\)/);
    expect((await cli('compress', '--help')).stdout).toMatch(/--override <n>=<m>/);
  });
});
