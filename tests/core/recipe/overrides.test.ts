import { describe, expect, it } from 'vitest';
import { findAttr } from '../../../src/core/graph/attrs';
import type { ModelIR } from '../../../src/core/ir/model';
import { applyRecipe } from '../../../src/core/recipe/apply';
import { overrideToString, recipeToString } from '../../../src/core/recipe/format';
import { recipeFromJson } from '../../../src/core/recipe/json';
import { planOverrides } from '../../../src/core/recipe/overrides';
import { parseOverride, parseRecipe } from '../../../src/core/recipe/parse';
import { createNodeRuntime } from '../../../src/runtime/node';
import { mlp, transformerBlock } from '../../fixtures/models';
import { graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import { makeFloatTensor } from '../../../src/core/ir/tensor';
import { randn, runModel, seededFeeds, worstCosine } from '../methods/run-helpers';

const runtime = createNodeRuntime();
const blockFeeds = seededFeeds({ x: { dtype: 'float32', dims: [1, 6, 32] } });

/** x -> MatMul 'sensitive' (weights with a few large outliers) -> Relu -> MatMul 'head'. */
function outlierMlp(): ModelIR {
  const w1 = randn(11, 64 * 64, 0.1);
  for (const i of [5, 900, 2100, 4000]) w1[i] = 12;
  return model(
    graph({
      inputs: [valueInfo('x', DT.FLOAT, ['batch', 64])],
      outputs: [valueInfo('y', DT.FLOAT, ['batch', 16])],
      initializers: [makeFloatTensor('w1', [64, 64], w1), makeFloatTensor('w2', [64, 16], randn(12, 64 * 16, 0.2))],
      nodes: [
        node('MatMul', ['x', 'w1'], ['h'], {}, { name: 'sensitive' }),
        node('Relu', ['h'], ['a'], {}, { name: 'act' }),
        node('MatMul', ['a', 'w2'], ['y'], {}, { name: 'head' }),
      ],
    }),
  );
}

function nodeByName(m: ModelIR, name: string) {
  return m.graph!.node.find((n) => n.name === name);
}

describe('override text and JSON', () => {
  it('parses <nodes>=float and <nodes>=<method>[:options] with defaults filled in', () => {
    expect(parseOverride('conv_1*=float', 0)).toEqual({ nodes: 'conv_1*', method: 'float' });
    const o = parseOverride('head=int4:block=16,symmetric=false', 0);
    expect(o).toMatchObject({ nodes: 'head', method: 'int4', options: { block: 16, symmetric: false, accuracyLevel: 0 } });
    expect(parseOverride('/^a=b$/=fp16-weight', 0)).toMatchObject({ nodes: '/^a=b$/', method: 'fp16-weight' });
    for (const [text, message] of [
      ['head', /is not <nodes>=<method>; expected e.g. 'conv_1\*=float'/],
      ['head=', /is not <nodes>=<method>/],
      ['head=int9', /Unknown method 'int9'/],
      ['head=int4:blok=32', /has no option 'blok'/],
      ['/(/=float', /not a valid regular expression/],
    ] as const) {
      expect(() => parseOverride(text, 0), text).toThrow(expect.objectContaining({ name: 'RecipeError', message: expect.stringMatching(message) }));
    }
  });

  it('round-trips through the recipe formatter, quotes included', () => {
    for (const spec of [
      "int8-dynamic --override 'conv_1*=float' --override 'head=int4:block=64'",
      "int8-weight:perChannel=false+fp16-weight --override '/^mlp\\.fc[12]$/=int4:block=16,symmetric=false' --override 'it'\\''s=float'",
    ]) {
      const recipe = parseRecipe(spec);
      expect(recipeToString(recipe)).toBe(spec);
      expect(parseRecipe(recipeToString(recipe))).toEqual(recipe);
      expect(recipeFromJson(JSON.parse(JSON.stringify(recipe)))).toEqual(recipe);
    }
    expect(parseRecipe("int8-dynamic --override 'it'\\''s=float'").overrides).toEqual([{ nodes: "it's", method: 'float' }]);
    expect(overrideToString(parseOverride('head=int4', 0))).toBe('head=int4');
    expect(recipeToString(parseRecipe('int4'))).toBe('int4');
  });

  it('JSON overrides are validated like steps', () => {
    const steps = [{ method: 'int8-dynamic' }];
    expect(recipeFromJson({ steps, overrides: [{ nodes: 'a*', method: 'int4', options: { block: 64 } }] }).overrides).toEqual([
      { nodes: 'a*', method: 'int4', options: expect.objectContaining({ block: 64, symmetric: true }) },
    ]);
    expect(recipeFromJson({ steps, overrides: [] })).toEqual({ steps: [{ method: 'int8-dynamic', options: expect.any(Object) }] });
    for (const [overrides, message] of [
      [{}, /recipe.overrides must be an array/],
      [[{ method: 'float' }], /recipe.overrides\[0\].nodes must be a node name, a glob or a \/regex\//],
      [[{ nodes: 'a', method: 'float', options: {} }], /keeps its nodes float and takes no "options"/],
      [[{ nodes: 'a', method: 'int9' }], /recipe.overrides\[0\].method: Unknown method 'int9'; expected one of .* or "float"/],
      [[{ nodes: 'a', method: 'int4', options: { block: 'big' } }], /option 'block' expects an integer/],
      [[{ nodes: '/[/', method: 'float' }], /recipe.overrides\[0\].nodes: '\/\[\/' is not a valid regular expression/],
    ] as const) {
      expect(() => recipeFromJson({ steps, overrides }), message.source).toThrow(expect.objectContaining({ name: 'RecipeError', message: expect.stringMatching(message) }));
    }
  });
});

describe('planOverrides', () => {
  it('first match wins; same method and options merge into the step, others become one extra step each', () => {
    const recipe = parseRecipe(
      "int8-weight --override 'attn.q_proj=float' --override 'attn.*=int4' --override 'mlp.fc1=int8-weight' --override 'mlp.fc2=int4' --override 'ln*=int8-weight:symmetric=true'",
    );
    const runs = planOverrides(recipe);
    expect(runs.map((r) => [r.step.method, r.overrideNodes])).toEqual([
      ['int8-weight', undefined],
      ['int4', ['attn.*', 'mlp.fc2']],
      ['int8-weight', ['ln*']],
    ]);
    const [base, int4, sym] = runs.map((r) => r.scope!);
    const names = ['attn.q_proj', 'attn.k_proj', 'mlp.fc1', 'mlp.fc2', 'ln1', 'other'];
    expect(names.filter(base!)).toEqual(['mlp.fc1', 'other']);
    expect(names.filter(int4!)).toEqual(['attn.k_proj', 'mlp.fc2']);
    expect(names.filter(sym!)).toEqual(['ln1']);
    expect(planOverrides(parseRecipe('int4'))).toEqual([{ step: parseRecipe('int4').steps[0] }]);
  });
});

describe('overrides on real runs (onnxruntime-web)', () => {
  it('keeping the layer with outlier weights float measurably raises fidelity over the plain recipe', async () => {
    const m = outlierMlp();
    const feeds = seededFeeds({ x: { dtype: 'float32', dims: [4, 64] } });
    const reference = await runModel(runtime, m, feeds);
    const plain = await applyRecipe(m, parseRecipe('int8-weight:perChannel=false'));
    const overridden = await applyRecipe(m, parseRecipe("int8-weight:perChannel=false --override 'sensitive=float'"));
    const cosPlain = worstCosine(reference, await runModel(runtime, plain.model, feeds));
    const cosOverride = worstCosine(reference, await runModel(runtime, overridden.model, feeds));
    console.log(`outlier MLP, int8-weight per tensor: cosine ${cosPlain.toFixed(6)}; with sensitive=float ${cosOverride.toFixed(6)}`);
    expect(nodeByName(overridden.model, 'sensitive')!.input[1]).toBe('w1');
    expect(overridden.model.graph!.initializer.find((t) => t.name === 'w1')).toMatchObject({ dataType: DT.FLOAT });
    expect([plain.steps[0]!.tensors, overridden.steps[0]!.tensors]).toEqual([2, 1]);
    // Most of the error gone, not a rounding-level difference.
    expect(1 - cosOverride).toBeLessThan(0.25 * (1 - cosPlain));
  });

  it('a mixed int4/int8 recipe loads and runs: int8-dynamic with the attention projections in int4', async () => {
    const m = transformerBlock();
    const reference = await runModel(runtime, m, blockFeeds);
    const r = await applyRecipe(m, parseRecipe("int8-dynamic --override 'attn.?_proj=int4:block=16'"));
    expect(r.steps.map((s) => [s.method, s.tensors, s.overrideNodes])).toEqual([
      ['int8-dynamic', 2, undefined],
      ['int4', 4, ['attn.?_proj']],
    ]);
    for (const name of ['attn.q_proj', 'attn.k_proj', 'attn.v_proj', 'attn.o_proj']) {
      const n = nodeByName(r.model, name)!;
      expect(n.opType, name).toBe('MatMulNBits');
      expect(Number(findAttr(n, 'block_size')!.i)).toBe(16);
    }
    expect(r.model.graph!.node.filter((n) => n.opType === 'MatMulInteger')).toHaveLength(2);
    const cos = worstCosine(reference, await runModel(runtime, r.model, blockFeeds));
    console.log(`transformerBlock int8-dynamic + attn int4 block 16: cosine ${cos.toFixed(6)}`);
    expect(cos).toBeGreaterThan(0.99);
  });

  it('same method, other options: the override runs as its own step on its nodes only; float overrides reach every step', async () => {
    const m = mlp();
    const feeds = seededFeeds({ x: { dtype: 'float32', dims: [3, 64] } });
    const r = await applyRecipe(m, parseRecipe("int4:block=32+fp16 --override 'fc2=int4:block=16' --override 'relu*=float'"));
    expect(r.steps.map((s) => [s.method, s.tensors])).toEqual([
      ['int4', 1],
      ['fp16', expect.any(Number)],
      ['int4', 1],
    ]);
    expect(Number(findAttr(nodeByName(r.model, 'fc1')!, 'block_size')!.i)).toBe(32);
    expect(Number(findAttr(nodeByName(r.model, 'fc2')!, 'block_size')!.i)).toBe(16);
    expect(r.steps[1]!.warnings.join(' ')).toMatch(/Kept \d+ node\(s\) in float32 \(.*1 Relu/);
    expect(worstCosine(await runModel(runtime, m, feeds), await runModel(runtime, r.model, feeds))).toBeGreaterThan(0.99);
  });
});
