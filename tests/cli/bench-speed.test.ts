import { afterAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/core/onnx/encode';
import { speedLine, speedRows } from '../../src/cli/speed-lines';
import { mlp } from '../fixtures/models';
import { cli, tempDir } from './cli-harness';

describe('bench prints each speed ratio with its interval', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('pairs each model with the first on its thread count, and calls an interval around 1 "same speed"', () => {
    const a = [10, 11, 10.5, 10.2, 10.8, 10.1];
    const rows = speedRows([
      { model: 'a', threads: 1, samplesMs: a },
      { model: 'b', threads: 1, samplesMs: a.map((v) => v / 2) },
      { model: 'c', threads: 1, samplesMs: a.map((v, i) => v * (i % 2 ? 1.03 : 0.97)) },
      { model: 'a', threads: 4, samplesMs: a },
    ]);
    expect(rows.map((r) => [r.model, r.against, r.threads, r.verdict])).toEqual([
      ['b', 'a', 1, 'faster'],
      ['c', 'a', 1, 'same'],
    ]);
    expect(speedLine(rows[0]!)).toBe('b vs a (1 thread): 2.00x faster, 95% interval 2.00-2.00x');
    expect(speedLine(rows[1]!)).toMatch(/^c vs a \(1 thread\): same speed \(\d\.\d\dx, 95% interval 0\.\d\d-1\.\d\dx\)$/);
  });

  it('the same model twice, from the CLI: one speed row against the first, its interval around its ratio', async () => {
    const path = tmp.write('mlp.onnx', encodeModel(mlp()));
    const r = await cli('bench', path, path, '--runs', '6', '--warmup', '1', '--json');
    expect(r.code).toBe(0);
    const { speed } = JSON.parse(r.stdout);
    expect(speed).toHaveLength(1);
    expect(speed[0]).toMatchObject({ model: path, against: path, threads: 1 });
    expect(speed[0].low).toBeLessThanOrEqual(speed[0].ratio);
    expect(speed[0].high).toBeGreaterThanOrEqual(speed[0].ratio);
    const text = await cli('bench', path, path, '--runs', '6', '--warmup', '1');
    expect(text.stdout).toMatch(/Speed \(ratio of medians, runs interleaved and paired\):\n.*mlp\.onnx vs .*mlp\.onnx \(1 thread\): .*95% interval/);
  });
});
