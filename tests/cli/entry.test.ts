import { afterAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/core/onnx/encode';
import { mlp } from '../fixtures/models';
import { spawnCli, tempDir } from './cli-harness';

// The real entry points in child processes: few of them, each costs about a second.
const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('CLI processes', () => {
  it('src/cli/main.ts exits 2 on bad usage, printing the usage on stderr', () => {
    const r = spawnCli('main', 'frobnicate', '--json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown command 'frobnicate'[\s\S]*Usage: featherweight <command>/);
    expect(r.stdout).toBe('');
  });

  it('src/cli/main.ts exits 3 on a file that is not a model, with the reason and no stack', () => {
    const garbage = tmp.write('notes.onnx', 'these are not the weights you are looking for\n');
    const r = spawnCli('main', 'eval', garbage, garbage);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^featherweight: ModelFormatError: /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('bin/featherweight.mjs runs a command and exits 0 (onnxruntime leaves nothing running)', () => {
    const model = tmp.write('mlp.onnx', encodeModel(mlp()));
    const r = spawnCli('bin', 'eval', model, model, '--samples', '1', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).outputs[0]).toMatchObject({ name: 'y', cosine: 1, maxAbs: 0, sqnrDb: null });
  });
});
