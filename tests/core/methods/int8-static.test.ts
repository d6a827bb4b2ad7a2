import { describe, expect, it } from 'vitest';
import { applyRecipe } from '../../../src/core/recipe/apply';
import { parseRecipe } from '../../../src/core/recipe/parse';
import { encodeModel } from '../../../src/core/onnx/encode';
import { decodeModel } from '../../../src/core/onnx/decode';
import { synthesizeModelInputs } from '../../../src/core/evaluate/inputs';
import type { ModelIR } from '../../../src/core/ir/model';
import { CalibrationUnavailableError } from '../../../src/core/methods/int8-static';
import { createNodeRuntime } from '../../../src/runtime/node';
import { modelOpener } from '../../../src/runtime/calibrate';
import { convBnRelu, mlp, transformerBlock } from '../../fixtures/models';
import { cli, tempDir } from '../../cli/cli-harness';
import { runModel, worstCosine } from './run-helpers';
import { listNodes } from '../../../src/core/ir/walk';
import { graph, model as buildModel, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import { makeFloatTensor } from '../../../src/core/ir/tensor';
import { seededRandom } from '../../../src/core/util/random';

const runtime = createNodeRuntime();
const openModel = modelOpener(runtime);

const DIMS = { batch: 2, seq: 8 };

/** Calibrates on one seed's synthetic inputs, evaluates on another's, all in onnxruntime-web. */
async function staticCosine(model: ModelIR, spec: string) {
  const calibrationInputs = synthesizeModelInputs(model, { seed: 11, count: 8, dims: DIMS });
  const result = await applyRecipe(model, parseRecipe(spec), { openModel, calibrationInputs });
  const evalInputs = synthesizeModelInputs(model, { seed: 99, count: 3, dims: DIMS });
  let worst = 1;
  for (const feeds of evalInputs) {
    worst = Math.min(worst, worstCosine(await runModel(runtime, model, feeds), await runModel(runtime, result.model, feeds)));
  }
  const ops = listNodes(result.model).map((n) => n.node.opType);
  return { result, worst, ops };
}

describe('int8-static on the fixtures (executed in onnxruntime-web)', () => {
  for (const [label, make] of [
    ['mlp', () => mlp()],
    ['convBnRelu', () => convBnRelu()],
    ['transformerBlock', () => transformerBlock()],
  ] as const) {
    for (const calibrator of ['minmax', 'percentile', 'entropy']) {
      it(`${label} / ${calibrator}: QDQ model runs with output cosine >= 0.99 on other seeds`, async () => {
        const { result, worst, ops } = await staticCosine(make(), `int8-static:calibrator=${calibrator}`);
        console.log(`int8-static ${label} ${calibrator}: cosine ${worst.toFixed(5)}`);
        expect(ops).toContain('QuantizeLinear');
        expect(ops).toContain('DequantizeLinear');
        expect(result.steps[0]!.tensors).toBeGreaterThan(0);
        expect(worst).toBeGreaterThanOrEqual(0.99);
      });
    }
  }

  it('quantizeOutputs=true also wraps the outputs of the targets (full QLinear pattern) and stays >= 0.99', async () => {
    const plain = await staticCosine(mlp(), 'int8-static');
    const full = await staticCosine(mlp(), 'int8-static:quantize-outputs=true');
    const count = (ops: string[]) => ops.filter((o) => o === 'QuantizeLinear').length;
    console.log(`int8-static mlp quantizeOutputs: ${count(plain.ops)} -> ${count(full.ops)} QuantizeLinear, cosine ${full.worst.toFixed(5)}`);
    expect(count(full.ops)).toBeGreaterThan(count(plain.ops));
    expect(full.worst).toBeGreaterThanOrEqual(0.99);
  });

  it('without a runner it throws a typed error naming what the host must provide', async () => {
    await expect(applyRecipe(mlp(), parseRecipe('int8-static'))).rejects.toThrow(CalibrationUnavailableError);
    await expect(applyRecipe(mlp(), parseRecipe('int8-static'))).rejects.toThrow(/openModel/);
  });

  it('quantizes bias to int32 with zero point 0 and leaves the input model untouched', async () => {
    const bytes = encodeModel(convBnRelu());
    const before = bytes.slice();
    const input = decodeModel(bytes);
    const result = await applyRecipe(input, parseRecipe('int8-static:samples=4'), { openModel });
    expect(Buffer.from(bytes).equals(Buffer.from(before))).toBe(true);
    expect(Buffer.from(encodeModel(input)).equals(Buffer.from(before))).toBe(true);
    const inits = result.model.graph!.initializer;
    expect(inits.some((t) => t.dataType === DT.INT32)).toBe(true);
    expect(inits.some((t) => t.dataType === DT.INT8)).toBe(true);
    expect(inits.some((t) => t.dataType === DT.UINT8)).toBe(true);
  });

  it('a model whose only targets are depthwise Convs says they were kept float for groupedConv, not just that nothing matched', async () => {
    const g = graph({
      name: 'depthwise',
      nodes: [node('Conv', ['x', 'w'], ['y'], { group: 8 })],
      inputs: [valueInfo('x', DT.FLOAT, [1, 8, 6, 6])],
      outputs: [valueInfo('y', DT.FLOAT, [1, 8, 4, 4])],
      initializers: [makeFloatTensor('w', [8, 1, 3, 3], Float32Array.from({ length: 72 }, (_, i) => Math.sin(i)))],
    });
    const m = buildModel(g);
    const result = await applyRecipe(m, parseRecipe('int8-static:min-elements=1'), { openModel });
    expect(result.model).toBe(m);
    const warnings = result.steps[0]!.warnings.join(' ');
    expect(warnings).toMatch(/Kept 1 grouped\/depthwise Conv\(s\) float \(turn on groupedConv/);
    expect(warnings).toMatch(/the model is unchanged/);
  });

  it('file size <= 26% of fp32 on a weight-dominated MLP', async () => {
    const rnd = seededRandom(8);
    const w = (name: string, k: number, n: number) => makeFloatTensor(name, [k, n], Float32Array.from({ length: k * n }, () => rnd.normal() * 0.05));
    const g = graph({
      name: 'wide',
      nodes: [node('MatMul', ['x', 'w1'], ['h']), node('Relu', ['h'], ['r']), node('MatMul', ['r', 'w2'], ['y'])],
      inputs: [valueInfo('x', DT.FLOAT, [1, 256])],
      outputs: [valueInfo('y', DT.FLOAT, [1, 256])],
      initializers: [w('w1', 256, 512), w('w2', 512, 256)],
    });
    const m = buildModel(g);
    const { result, worst } = await staticCosine(m, 'int8-static:samples=4');
    const ratio = encodeModel(result.model).byteLength / encodeModel(m).byteLength;
    console.log(`int8-static wide MLP: size ${(ratio * 100).toFixed(1)}%, cosine ${worst.toFixed(5)}`);
    expect(ratio).toBeLessThanOrEqual(0.26);
    expect(worst).toBeGreaterThanOrEqual(0.99);
  });

  it('CLI: compress --recipe int8-static:calibrator=percentile,percentile=99.99,samples=8 writes a model that runs', async () => {
    const tmp = tempDir();
    try {
      const inPath = tmp.write('conv.onnx', encodeModel(convBnRelu()));
      const out = tmp.path('conv.int8s.onnx');
      const r = await cli('compress', inPath, '--recipe', 'int8-static:calibrator=percentile,percentile=99.99,samples=8', '-o', out, '--json');
      expect(r.code).toBe(0);
      const json = JSON.parse(r.stdout) as { steps: { method: string; options: Record<string, unknown> }[] };
      expect(json.steps[0]!.method).toBe('int8-static');
      expect(json.steps[0]!.options).toMatchObject({ calibrator: 'percentile', percentile: 99.99, samples: 8 });
      const { readFileSync } = await import('node:fs');
      const model = decodeModel(readFileSync(out));
      const feeds = synthesizeModelInputs(convBnRelu(), { seed: 3, count: 1 })[0]!;
      expect(worstCosine(await runModel(runtime, convBnRelu(), feeds), await runModel(runtime, model, feeds))).toBeGreaterThanOrEqual(0.99);
    } finally {
      tmp.cleanup();
    }
  });
});

describe('int8-static through the model worker API', () => {
  it('compresses with the opener the worker passes, and names the missing runner without one', async () => {
    const { modelWorkerApi } = await import('../../../workers/model-api');
    const input = { model: encodeModel(convBnRelu()), external: {} };
    const recipe = { steps: [{ method: 'int8-static', options: { samples: 2 } }] };
    const phases: string[] = [];
    const result = await modelWorkerApi.compress(input, recipe, (p) => p.kind === 'step' && phases.push(p.phase), openModel);
    expect(phases).toContain('calibration');
    const feeds = synthesizeModelInputs(convBnRelu(), { seed: 5, count: 1 })[0]!;
    expect(worstCosine(await runModel(runtime, convBnRelu(), feeds), await runModel(runtime, decodeModel(result.bytes), feeds))).toBeGreaterThanOrEqual(0.99);
    await expect(modelWorkerApi.compress(input, recipe)).rejects.toThrow(CalibrationUnavailableError);
  });
});
