import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/core/onnx/encode';
import { shownPath } from '../../src/cli/shown-path';
import { mlpWithExternalData } from '../fixtures/models';
import { graph, model, node, valueInfo } from '../../src/core/ir/build';
import { DT } from '../../src/core/ir/dtype';
import { makeFloatTensor } from '../../src/core/ir/tensor';
import { EXTERNAL_DATA, HOSTILE_MODELS, type HostileModel } from '../core/onnx/hostile-models';
import { cli } from './cli-harness';

const root = mkdtempSync(join(tmpdir(), 'featherweight-hostile-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes the case into its own folder (model.onnx, its files and links) beside an 'outside' folder holding the data. */
function lay(c: HostileModel, index: number): string {
  const base = join(root, String(index));
  const dir = join(base, 'model');
  const outside = join(base, 'outside');
  mkdirSync(dir, { recursive: true });
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'secret.bin'), EXTERNAL_DATA);
  writeFileSync(join(outside, 'mlp.weights.bin'), EXTERNAL_DATA);
  writeFileSync(join(dir, 'model.onnx'), c.bytes());
  for (const [path, bytes] of c.files?.() ?? []) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
  for (const [path, target] of Object.entries(c.links ?? {})) {
    symlinkSync(target.startsWith('outside:') ? join(outside, target.slice('outside:'.length)) : target, join(dir, path));
  }
  return join(dir, 'model.onnx');
}

describe.each<HostileModel & { index: number }>(HOSTILE_MODELS.map((c, index) => ({ ...c, index })))('the CLI on $label', (c) => {
  const model = lay(c, c.index);

  it(`inspect exits ${c.exitCode} with the ${c.error}`, async () => {
    const r = await cli('inspect', model);
    expect(r.code).toBe(c.exitCode);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`featherweight: ${c.error}: `);
    expect(r.stderr).toMatch(c.message);
  });

  it(`compress exits ${c.exitCode} and writes nothing`, async () => {
    const out = join(dirname(model), 'out.onnx');
    const r = await cli('compress', model, '--recipe', 'int8-weight', '-o', out);
    expect(r.code).toBe(c.exitCode);
    expect(r.stderr).toMatch(c.message);
    expect(existsSync(out)).toBe(false);
  });
});

describe('a valid model that a method cannot rewrite', () => {
  it('fp16-weight on an opset-1 model exits 3 with the reason and writes nothing', async () => {
    const dir = join(root, 'opset1');
    mkdirSync(dir, { recursive: true });
    const old = model(
      graph({
        name: 'old',
        inputs: [valueInfo('x', DT.FLOAT, [1, 8])],
        outputs: [valueInfo('y', DT.FLOAT, [1, 4])],
        initializers: [makeFloatTensor('w', [8, 4], new Float32Array(32).fill(0.5))],
        nodes: [node('MatMul', ['x', 'w'], ['y'], {}, { name: 'fc' })],
      }),
      { '': 1 },
      3,
    );
    writeFileSync(join(dir, 'model.onnx'), encodeModel(old));
    const out = join(dir, 'out.onnx');
    const r = await cli('compress', join(dir, 'model.onnx'), '--recipe', 'fp16-weight', '-o', out);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/UnsupportedModelError: fp16-weight adds Cast nodes .*opset 6 or later.*uses opset 1/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('links that stay inside the model folder', () => {
  it('are followed: a data file linked to another file of the same folder loads', async () => {
    const dir = join(root, 'inside');
    mkdirSync(join(dir, 'store'), { recursive: true });
    writeFileSync(join(dir, 'model.onnx'), encodeModel(mlpWithExternalData().model));
    writeFileSync(join(dir, 'store', 'real.bin'), EXTERNAL_DATA);
    symlinkSync(join(dir, 'store', 'real.bin'), join(dir, 'mlp.weights.bin'));
    const r = await cli('inspect', join(dir, 'model.onnx'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('paths with control characters', () => {
  it('are shown escaped', () => {
    expect(shownPath('a\nb\u0000c\u001b[31md\te')).toBe('a\\nb\\x00c\\x1b[31md\\te');
  });

  it('in an error message, cannot start a new line or colour the terminal', async () => {
    const r = await cli('inspect', join(root, 'no\nsuch\u001b[31m.onnx'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Cannot read '" + join(root, 'no\\nsuch\\x1b[31m.onnx') + "': no such file.");
    expect(r.stderr).not.toContain('\u001b');
  });
});
