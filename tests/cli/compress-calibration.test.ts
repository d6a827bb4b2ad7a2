import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { encodeModel } from '../../src/core/onnx/encode';
import { mlp } from '../fixtures/models';
import { npyBytes, typedBytes } from '../fixtures/samples';
import { seededRandom } from '../../src/core/util/random';
import { cli, tempDir } from './cli-harness';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** One mlp input ([1, 64]) as an .npy file, values around `mean`. */
function sample(seed: number, mean: number): Uint8Array {
  const rnd = seededRandom(seed);
  return npyBytes('<f4', [1, 64], typedBytes(Float32Array.from({ length: 64 }, () => mean + rnd.normal() * 0.5)));
}

describe('compress --calibration DIR', () => {
  const model = tmp.write('mlp.onnx', encodeModel(mlp()));
  const folder = tmp.path('calib');
  mkdirSync(folder);
  for (let i = 0; i < 5; i++) writeFileSync(`${folder}/s${i}.npy`, sample(i + 1, 3));
  writeFileSync(`${folder}/notes.txt`, 'not a sample');

  it('int8-static calibrates on the folder\'s samples and says so', async () => {
    const out = tmp.path('static.onnx');
    const r = await cli('compress', model, '--recipe', 'int8-static', '--calibration', folder, '-o', out, '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { calibration: { samples: number; ignored: string[] }; steps: { warnings: string[] }[] };
    expect(json.calibration.samples).toBe(5);
    expect(json.calibration.ignored.join(' ')).toMatch(/notes\.txt/);
    expect(json.steps[0]!.warnings.join(' ')).toMatch(/calibration on 5 given sample/);
    expect(readFileSync(out).byteLength).toBeGreaterThan(0);
  });

  it("int8-static runs no more of the folder's samples than its samples option asks for", async () => {
    const r = await cli('compress', model, '--recipe', 'int8-static:samples=2', '--calibration', folder, '-o', tmp.path('static2.onnx'), '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { calibration: { samples: number; used: number }; steps: { warnings: string[] }[] };
    expect(json.calibration).toMatchObject({ samples: 5, used: 2 });
    expect(json.steps[0]!.warnings.join(' ')).toMatch(/calibration on 2 given sample/);
  });

  it('says the folder went unused when no step of the recipe calibrates', async () => {
    const r = await cli('compress', model, '--recipe', 'int8-weight', '--calibration', folder, '-o', tmp.path('plain.onnx'));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/no step of this recipe calibrates, so the samples in '.*calib' were not used/);
  });

  it('int8-weight bias correction takes its activation means from the folder', async () => {
    const r = await cli('compress', model, '--recipe', 'int8-weight:bias-correction=true', '--calibration', folder, '-o', tmp.path('bc.onnx'));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Bias correction on 1 layer\(s\), activation means from 5 given sample/);
    expect(r.stderr).toMatch(/1 file\(s\) in .* are not samples: .*notes\.txt/);
  });

  it('a missing or sample-free folder is a usage error naming the flag', async () => {
    const missing = await cli('compress', model, '--recipe', 'int8-static', '--calibration', tmp.path('nope'), '-o', tmp.path('x.onnx'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--calibration '.*nope': no such folder/);
    mkdirSync(tmp.path('empty'));
    const empty = await cli('compress', model, '--recipe', 'int8-static', '--calibration', tmp.path('empty'), '-o', tmp.path('x.onnx'));
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/--calibration .*empty/);
  });

  it('preprocessing flags without --calibration are a usage error instead of being ignored', async () => {
    const r = await cli('compress', model, '--recipe', 'int8-static', '--dim', 'batch=2', '--bgr', '-o', tmp.path('x.onnx'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--bgr only shape the samples of --calibration/);
  });

  it('a sample that does not fit the model input is a typed error naming the file', async () => {
    const bad = tmp.path('bad');
    mkdirSync(bad);
    writeFileSync(`${bad}/wrong.npy`, npyBytes('<f4', [1, 7], typedBytes(new Float32Array(7))));
    const r = await cli('compress', model, '--recipe', 'int8-static', '--calibration', bad, '-o', tmp.path('x.onnx'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/wrong\.npy/);
  });
});
