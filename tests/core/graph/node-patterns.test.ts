import { describe, expect, it } from 'vitest';
import { DT } from '../../../src/core/ir/dtype';
import type { ModelIR } from '../../../src/core/ir/model';
import { compileNodePattern, compileNodePatterns, splitOutsideRegex } from '../../../src/core/graph/node-patterns';
import { getMethod, methods } from '../../../src/core/methods/registry';
import { parseRecipe } from '../../../src/core/recipe/parse';
import { recipeFromJson } from '../../../src/core/recipe/json';
import { modelOpener } from '../../../src/runtime/calibrate';
import { createNodeRuntime } from '../../../src/runtime/node';
import { transformerBlock } from '../../fixtures/models';
import { runModel, seededFeeds, worstCosine } from '../methods/run-helpers';

const runtime = createNodeRuntime();
const openModel = modelOpener(runtime);

describe('node-name patterns', () => {
  it('match exact names, globs and /regexes/', () => {
    const exact = compileNodePattern('attn.q_proj');
    expect([exact('attn.q_proj'), exact('attn.q_projX'), exact('attnXq_proj')]).toEqual([true, false, false]);
    const glob = compileNodePattern('attn.?_proj*');
    expect(['attn.q_proj', 'attn.k_proj.2', 'attn.qq_proj', 'xattn.q_proj'].map(glob)).toEqual([true, true, false, false]);
    const re = compileNodePattern('/^mlp\\.fc[12]$/');
    expect(['mlp.fc1', 'mlp.fc2', 'mlp.fc3', 'mlp.fc1_bias'].map(re)).toEqual([true, true, false, false]);
    expect(['CONV_1', 'conv_1'].map(compileNodePattern('/conv_\\d+/i'))).toEqual([true, true]);
    // A PyTorch-style name that reads as a regex still matches itself.
    expect(compileNodePattern('/encoder/layer.0/i')('/encoder/layer.0/i')).toBe(true);
    expect(compileNodePattern('/encoder/MatMul')('/encoder/MatMul')).toBe(true);
    const any = compileNodePatterns(['a', 'conv_*', '/^head$/']);
    expect(['a', 'conv_9', 'head', 'b', 'heads'].map(any)).toEqual([true, true, true, false, false]);
  });

  it('an invalid regex is a RecipeError saying what was expected', () => {
    expect(() => compileNodePattern('/conv_(/')).toThrow(
      expect.objectContaining({ name: 'RecipeError', message: expect.stringMatching(/'\/conv_\(\/' is not a valid regular expression.*expected an exact name, a glob/) }),
    );
    expect(() => parseRecipe('int8-weight:excludeNodes=/a[/')).toThrow(expect.objectContaining({ name: 'RecipeError', message: expect.stringContaining("option 'excludeNodes'") }));
    expect(() => recipeFromJson({ steps: [{ method: 'int4', options: { excludeNodes: ['/(/'] } }] })).toThrow(expect.objectContaining({ name: 'RecipeError' }));
  });

  it('recipe text keeps separators inside a /regex/ together', () => {
    expect(splitOutsideRegex('a=/x+y/+b', '+')).toEqual(['a=/x+y/', 'b']);
    expect(splitOutsideRegex('/a|b/|c', '|')).toEqual(['/a|b/', 'c']);
    const r = parseRecipe('int8-weight:excludeNodes=/^attn\\.(q|k)_proj$/|mlp.fc?,minElements=4+fp16-weight:excludeNodes=/x{1,2}/');
    expect(r.steps[0]!.options.excludeNodes).toEqual(['/^attn\\.(q|k)_proj$/', 'mlp.fc?']);
    expect(r.steps[0]!.options.minElements).toBe(4);
    expect(r.steps[1]!.options.excludeNodes).toEqual(['/x{1,2}/']);
  });

  it('every method with excludeNodes declares it as patterns', () => {
    for (const m of methods) {
      const f = m.options.find((o) => o.key === 'excludeNodes');
      expect(f, m.id).toMatchObject({ kind: 'string-list', patterns: true });
    }
  });
});

/** MatMuls of the main graph still reading a float32 initializer as their weight (left alone). */
function floatWeightMatMuls(m: ModelIR): string[] {
  const g = m.graph!;
  const float = new Set(g.initializer.filter((t) => t.dataType === DT.FLOAT).map((t) => t.name));
  return g.node.filter((n) => n.opType === 'MatMul' && n.domain === '' && float.has(n.input[1] ?? '')).map((n) => n.name).sort();
}

const WEIGHT_MATMULS = ['attn.k_proj', 'attn.o_proj', 'attn.q_proj', 'attn.v_proj', 'mlp.fc1', 'mlp.fc2'];

describe('excludeNodes patterns in every method (transformerBlock, run in onnxruntime-web)', () => {
  const cases: { exclude: string[]; kept: string[] }[] = [
    { exclude: ['attn.?_proj'], kept: ['attn.k_proj', 'attn.o_proj', 'attn.q_proj', 'attn.v_proj'] },
    { exclude: ['/^mlp\\.fc[12]$/', 'attn.v_proj'], kept: ['attn.v_proj', 'mlp.fc1', 'mlp.fc2'] },
  ];
  const feeds = seededFeeds({ x: { dtype: 'float32', dims: [1, 6, 32] } });
  for (const id of ['int8-weight', 'int8-dynamic', 'int8-static', 'int4', 'fp16', 'fp16-weight']) {
    it(`${id}: excluded nodes keep their float32 weights, the others change, the model runs`, async () => {
      const m = transformerBlock();
      expect(floatWeightMatMuls(m)).toEqual(WEIGHT_MATMULS);
      const reference = await runModel(runtime, m, feeds);
      for (const c of cases) {
        const out = await getMethod(id).apply(m, { excludeNodes: c.exclude, ...(id === 'int8-static' && { samples: 4 }) }, { openModel });
        expect(floatWeightMatMuls(out.model), `${id} ${c.exclude.join(',')}`).toEqual(c.kept);
        expect(worstCosine(reference, await runModel(runtime, out.model, feeds))).toBeGreaterThan(0.98);
      }
    });
  }
});
