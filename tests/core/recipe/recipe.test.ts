import { describe, expect, it } from 'vitest';
import { applyRecipe, parseRecipe, recipeFromJson, recipeToString } from '../../../src/core/recipe';
import { encodeModel } from '../../../src/core/onnx/encode';
import { mlp } from '../../fixtures/models';
import { gzipSync } from 'node:zlib';
import { storedBytes } from '../../../src/core/methods/stored-bytes';

const DEFAULTS = { perChannel: true, symmetric: false, weightType: 'int8', minElements: 128, opTypes: ['MatMul', 'Gemm', 'Conv'], excludeNodes: [], biasCorrection: false, algorithm: 'rtn', damp: 0.01, blockSize: 128, actOrder: false };

describe('parseRecipe', () => {
  it('fills defaults and types values from the declarations', () => {
    expect(parseRecipe('int8-weight')).toEqual({ steps: [{ method: 'int8-weight', options: DEFAULTS }] });
    expect(parseRecipe(' int8-weight:perChannel=false, minElements=4096,opTypes=MatMul|Conv,excludeNodes=a.b|c ')).toEqual({
      steps: [{ method: 'int8-weight', options: { ...DEFAULTS, perChannel: false, minElements: 4096, opTypes: ['MatMul', 'Conv'], excludeNodes: ['a.b', 'c'] } }],
    });
    expect(parseRecipe('int8-weight+int8-weight:symmetric=true').steps.map((s) => s.options.symmetric)).toEqual([false, true]);
    expect(parseRecipe('int8-weight:excludeNodes=').steps[0]!.options.excludeNodes).toEqual([]);
  });

  it('takes kebab-case keys on the command line, as in fp16:keep-io=true', () => {
    expect(parseRecipe('fp16:keep-io=false').steps[0]!.options.keepIO).toBe(false);
    expect(parseRecipe('int8-weight:min-elements=64,per-channel=false').steps[0]!.options).toMatchObject({ minElements: 64, perChannel: false });
    expect(() => parseRecipe('fp16:keep-io=true,keepIO=false')).toThrow(/sets option 'keepIO' twice/);
  });

  const bad: [string, RegExp][] = [
    ['', /empty/],
    ['   ', /empty/],
    ['quantize', /Unknown method 'quantize'; expected one of int8-weight/],
    ['int8-weight+', /step 2 is empty/],
    ['int8-weight:', /no options/],
    [':perChannel=true', /no method name/],
    ['int8-weight:perChannel', /'perChannel' is not key=value/],
    ['int8-weight:perchannel=true', /no option 'perchannel'; expected one of perChannel, symmetric/],
    ['int8-weight:perChannel=yes', /'perChannel' expects true or false; found 'yes'/],
    ['int8-weight:minElements=abc', /'minElements' expects an integer >= 1; found 'abc'/],
    ['int8-weight:minElements=1.5', /an integer/],
    ['int8-weight:minElements=0', />= 1/],
    ['int8-weight:minElements=', /empty value/],
    ['int8-weight:opTypes=MatMul|Relu', /'Relu' is not allowed/],
    ['int8-weight:symmetric=true,symmetric=false', /twice/],
  ];
  for (const [spec, message] of bad) {
    it(`rejects ${JSON.stringify(spec)}`, () => {
      expect(() => parseRecipe(spec)).toThrow(expect.objectContaining({ name: 'RecipeError', message: expect.stringMatching(message) }));
    });
  }
});

describe('recipeFromJson', () => {
  it('validates and fills defaults', () => {
    expect(recipeFromJson({ steps: [{ method: 'int8-weight' }] })).toEqual(parseRecipe('int8-weight'));
    expect(recipeFromJson({ steps: [{ method: 'int8-weight', options: { perChannel: false, opTypes: ['Gemm'] } }] })).toEqual(
      parseRecipe('int8-weight:perChannel=false,opTypes=Gemm'),
    );
  });

  const bad: [unknown, RegExp][] = [
    [null, /must be an object.*found null/],
    [[], /must be an object.*found an array/],
    [{}, /recipe.steps must be an array.*found undefined/],
    [{ steps: [] }, /empty/],
    [{ steps: [1] }, /recipe.steps\[0\] must be an object/],
    [{ steps: [{}] }, /recipe.steps\[0\].method must be a method name; found undefined/],
    [{ steps: [{ method: 'x' }] }, /recipe.steps\[0\].method: Unknown method 'x'/],
    [{ steps: [{ method: 'int8-weight', options: 3 }] }, /options must be an object/],
    [{ steps: [{ method: 'int8-weight', options: { nope: 1 } }] }, /no option 'nope'/],
    [{ steps: [{ method: 'int8-weight', options: { perChannel: 'false' } }] }, /expects true or false; found 'false'/],
    [{ steps: [{ method: 'int8-weight', options: { minElements: '12' } }] }, /expects an integer/],
    [{ steps: [{ method: 'int8-weight', options: { opTypes: 'MatMul' } }] }, /expects a list/],
    [{ steps: [{ method: 'int8-weight', extra: 1 }] }, /unexpected key\(s\) "extra"/],
    [{ steps: [{ method: 'int8-weight' }], version: 2 }, /recipe is version 2, written by a newer Featherweight; this one reads recipe versions 1 to 1/],
    [{ steps: [{ method: 'int8-weight' }], version: '1' }, /recipe\.version must be a whole number from 1 to 1; found '1'/],
    [{ steps: [{ method: 'int8-weight' }], version: 0 }, /recipe\.version must be a whole number from 1 to 1; found 0/],
  ];
  for (const [json, message] of bad) {
    it(`rejects ${JSON.stringify(json)}`, () => {
      expect(() => recipeFromJson(json)).toThrow(expect.objectContaining({ name: 'RecipeError', message: expect.stringMatching(message) }));
    });
  }
});

describe('recipeToString', () => {
  it('writes only non-default options and reads back to the same recipe', () => {
    for (const spec of ['int8-weight', 'int8-weight:perChannel=false,opTypes=MatMul|Conv', 'int8-weight:excludeNodes=a|b+int8-weight:minElements=7']) {
      const r = parseRecipe(spec);
      expect(recipeToString(r)).toBe(spec);
      expect(parseRecipe(recipeToString(r))).toEqual(r);
    }
    expect(recipeToString(parseRecipe('int8-weight:perChannel=true'))).toBe('int8-weight');
  });
});

describe('applyRecipe', () => {
  it('runs the steps in order and reports each', async () => {
    const m = mlp();
    const before = encodeModel(m).slice();
    const phases: string[] = [];
    const r = await applyRecipe(m, parseRecipe('int8-weight:opTypes=Gemm+int8-weight'), { onProgress: (p) => p.kind === 'phase' && phases.push(p.phase) });
    expect(r.steps.map((s) => [s.method, s.tensors])).toEqual([
      ['int8-weight', 1],
      ['int8-weight', 1],
    ]);
    expect(r.steps[1]!.before).toEqual(r.steps[0]!.after);
    expect(r.steps[0]!.before.storedBytes).toBe(storedBytes(m));
    expect(r.steps[1]!.after.storedBytes).toBe(storedBytes(r.model));
    expect(r.steps[1]!.after.storedBytes).toBeLessThan(r.steps[0]!.before.storedBytes);
    expect(r.steps[1]!.after.gzipBytes).toBe(gzipSync(r.bytes, { level: 6 }).byteLength);
    expect(r.bytes).toEqual(encodeModel(r.model));
    expect(r.steps.every((s) => s.ms >= 0 && s.changes.length === s.tensors && s.changes.every((c) => c.kind === 'weight-error'))).toBe(true);
    expect(phases.filter((p) => p.startsWith('step '))).toEqual(['step 1/2: int8-weight', 'step 2/2: int8-weight']);
    expect(encodeModel(m)).toEqual(before);
  });

  it('stops on abort', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(applyRecipe(mlp(), parseRecipe('int8-weight'), { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
