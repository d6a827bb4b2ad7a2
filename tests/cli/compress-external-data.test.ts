import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareTensors } from '../../src/core/evaluate/metrics';
import type { Feeds } from '../../src/core/evaluate/tensor-data';
import { encodeModel } from '../../src/core/onnx/encode';
import { reportFromJsonText } from '../../src/core/report';
import { seededRandom } from '../../src/core/util/random';
import { createNodeRuntime } from '../../src/runtime/node';
import { readModelFile } from '../../src/cli/model-file';
import { savedWithExternalData, wideMlp } from '../fixtures/wide-mlp';
import { cli, tempDir } from './cli-harness';
import { firstDifference } from '../core/onnx/byte-helpers';

const tmp = tempDir();
const runtime = createNodeRuntime();
const rnd = seededRandom(3);
const feeds: Feeds = { x: { dtype: 'float32', dims: [2, 384], data: Float32Array.from({ length: 2 * 384 }, () => rnd.normal()) } };
let input = '';
let inline = '';

/** Runs a model from disk the way a user's program would: the .onnx bytes and, when named, its data file from the same folder. */
async function runFromDisk(path: string, data?: { name: string; path: string }): Promise<Feeds> {
  const session = await runtime.createSession(new Uint8Array(readFileSync(path)), data ? { externalData: [{ path: data.name, data: new Uint8Array(readFileSync(data.path)) }] } : {});
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

beforeAll(() => {
  mkdirSync(tmp.path('in'));
  mkdirSync(tmp.path('out'));
  const saved = savedWithExternalData(wideMlp(), 'wide.onnx.data');
  input = tmp.write('in/wide.onnx', saved.bytes);
  tmp.write('in/wide.onnx.data', saved.data);
  inline = tmp.write('in/wide-inline.onnx', encodeModel(wideMlp()));
});
afterAll(() => tmp.cleanup());

describe('compress of a model with external data', () => {
  it('past --inline-limit writes out.onnx + out.onnx.data, which load and run like the input', async () => {
    const out = tmp.path('out/wide.simple.onnx');
    const r = await cli('compress', input, '--recipe', 'simplify', '-o', out, '--inline-limit', '0.3', '--json', '--report', tmp.path('out/report.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(tmp.path('out')).sort()).toEqual(['report.json', 'wide.simple.onnx', 'wide.simple.onnx.data']);
    const json = JSON.parse(r.stdout);
    const onnxBytes = readFileSync(out).byteLength;
    const dataBytes = readFileSync(`${out}.data`).byteLength;
    expect(json.output).toEqual({ path: out, sizeBytes: onnxBytes, externalData: { path: `${out}.data`, sizeBytes: dataBytes }, totalBytes: onnxBytes + dataBytes });
    expect(json.input.externalBytes).toBe(readFileSync(`${input}.data`).byteLength);
    expect(onnxBytes).toBeLessThan(30_000);
    // The report's size of the variant counts the data file.
    expect(reportFromJsonText(readFileSync(tmp.path('out/report.json'), 'utf8')).variants[0]!.sizeBytes).toBe(onnxBytes + dataBytes);
    const reference = (await runFromDisk(inline)).y!;
    const got = (await runFromDisk(out, { name: 'wide.simple.onnx.data', path: `${out}.data` })).y!;
    expect(compareTensors('y', reference, got).maxAbs).toBeLessThan(1e-5);
  });

  it('int8-weight and fp16 outputs past the limit load and run too; eval reads them back from their folder', async () => {
    for (const [recipe, floor] of [['int8-weight', 0.999], ['fp16', 0.9999]] as const) {
      const out = tmp.path(`out/wide.${recipe}.onnx`);
      const r = await cli('compress', input, '--recipe', recipe, '-o', out, '--inline-limit', '0.2');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`with its external data\\) -> .*wide\\.${recipe}\\.onnx \\(.* \\+ weights in .*wide\\.${recipe}\\.onnx\\.data\\)`));
      const e = await cli('eval', inline, out, '--json', '--samples', '2', '--dim', 'batch=2');
      expect(e.code, e.stderr).toBe(0);
      expect(JSON.parse(e.stdout).outputs[0].cosine).toBeGreaterThanOrEqual(floor);
    }
  });

  it('within the limit keeps the output one self-contained file', async () => {
    const out = tmp.path('out/wide.int8.onnx');
    const r = await cli('compress', input, '--recipe', 'int8-weight', '-o', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).output).toEqual({ path: out, sizeBytes: readFileSync(out).byteLength });
    const reference = (await runFromDisk(inline)).y!;
    expect(compareTensors('y', reference, (await runFromDisk(out)).y!).cosine).toBeGreaterThan(0.999);
  });

  it('refuses an output whose data file would be the input data file', async () => {
    const r = await cli('compress', input, '--recipe', 'simplify', '-o', tmp.path('in/wide.onnx'), '--inline-limit', '0.3');
    expect(r.code).toBe(2);
    // An input named like the data file the output would get beside it.
    const lookalike = tmp.write('in/copy.onnx.data', encodeModel(wideMlp()));
    const d = await cli('compress', lookalike, '--recipe', 'simplify', '-o', tmp.path('in/copy.onnx'), '--inline-limit', '0.3');
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/is the input file/);
  });

  it('refuses a malformed --inline-limit as a usage error', async () => {
    for (const bad of ['0', 'big', '-1', '3000']) {
      const r = await cli('compress', input, '--recipe', 'simplify', '-o', tmp.path('out/x.onnx'), '--inline-limit', bad);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toMatch(/--inline-limit/);
    }
  });

  it('reads a data file past the whole-file size tensor by tensor, to the same weights', () => {
    const whole = readModelFile(input, 'inspect');
    const ranged = readModelFile(input, 'inspect', { wholeFileReadBytes: 1000 });
    expect(ranged.externalBytes).toBe(whole.externalBytes);
    expect(firstDifference(encodeModel(ranged.model), encodeModel(whole.model))).toBe(-1);
  });
});

describe('inspect of a model with external data', () => {
  it('counts the data files in its sizes', async () => {
    const data = readFileSync(`${input}.data`).byteLength;
    const j = await cli('inspect', input, '--json');
    expect(j.code, j.stderr).toBe(0);
    const s = JSON.parse(j.stdout);
    expect(s.sizeBytes).toBe(readFileSync(input).byteLength);
    expect(s.externalBytes).toBe(data);
    expect(s.totalBytes).toBe(s.sizeBytes + data);
    const h = await cli('inspect', input);
    expect(h.stdout).toMatch(/\+ external {2}1\.\d+ MB of data files/);
  });
});
