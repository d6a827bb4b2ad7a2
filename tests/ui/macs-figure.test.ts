import { describe, expect, it } from 'vitest';
import { macsFigure } from '../../src/ui/store/macs-figure';
import { modelCost } from '../../src/core/device/roofline';
import { modelInputShapes } from '../../src/core/evaluate/inputs';
import { analyzeModel } from '../../src/core/analyze/summary';
import { voiceActivity } from '../fixtures/voice-activity';

describe('the MACs figure follows the input sizes', () => {
  const m = voiceActivity();
  const at = (dims: Record<string, number>) => {
    const inputShapes = modelInputShapes(m, dims);
    return { inputShapes, cost: modelCost(m, inputShapes) };
  };

  it('counts at the sizes measured, complete where shapes are known, and grows with the time axis', () => {
    const short = macsFigure(analyzeModel(m, 0).macs, at({ 'input[1]': 512 }));
    const long = macsFigure(analyzeModel(m, 0).macs, at({ 'input[1]': 4096 }));
    // Conv: 16 channels x 129 taps per output step; (512 + 128 - 129) / 32 + 1 = 16 steps; head MatMul 16 x 2.
    expect(at({ 'input[1]': 512 }).cost.macs).toBe(16 * 129 * 16 + 16 * 2);
    expect(short.hint).toMatch(/^Conv\/MatMul\/Gemm, counted from shapes at input \[1×512\], sr \[\], the sizes last measured$/);
    expect(Number.parseFloat(long.value)).toBeGreaterThan(Number.parseFloat(short.value));
  });

  it('before a measurement, shows the load-time estimate and its assumed dims', () => {
    const s = analyzeModel(m, 0);
    expect(macsFigure(s.macs, null).hint).toMatch(/taken as \?=1 until measured/);
  });
});
