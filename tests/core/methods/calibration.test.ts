import { describe, expect, it } from 'vitest';
import { calibratedRange } from '../../../src/core/methods/calibration/calibrators';
import { entropyThreshold } from '../../../src/core/methods/calibration/entropy';
import { valueSampler } from '../../../src/core/methods/calibration/value-sample';
import { uint8Params } from '../../../src/core/methods/quantize/qdq-rewrite';
import { seededRandom } from '../../../src/core/util/random';

function normals(n: number, seed: number): Float32Array {
  const rnd = seededRandom(seed);
  return Float32Array.from({ length: n }, () => rnd.normal());
}

describe('calibrators on hand-made distributions', () => {
  it('minmax is the exact range over every call, even values the sample stride skips', () => {
    const s = valueSampler(3 * 1000, 64);
    const a = normals(1000, 1);
    a[501] = -7.25; // not on the stride of the kept sample
    const b = normals(1000, 2);
    b[999] = 9.5;
    s.add(a);
    s.add(b);
    s.add(normals(1000, 3));
    const sample = s.finish();
    expect(sample.count).toBe(3000);
    expect(sample.values.length).toBeLessThanOrEqual(64);
    expect(calibratedRange('minmax', sample, { percentile: 99.999 })).toEqual({ min: -7.25, max: 9.5 });
  });

  it('percentile clips a planted outlier that minmax keeps', () => {
    const s = valueSampler(100_000);
    const x = normals(100_000, 4);
    x[12_345] = 1000;
    s.add(x);
    const sample = s.finish();
    const mm = calibratedRange('minmax', sample, { percentile: 99.99 });
    const p = calibratedRange('percentile', sample, { percentile: 99.99 });
    expect(mm.max).toBe(1000);
    expect(p.max).toBeLessThan(6);
    expect(p.max).toBeGreaterThan(3); // a normal's 99.995th percentile is about 3.9
    expect(p.min).toBeLessThan(-3);
  });

  it('entropy picks a threshold well below the max on a heavy-tailed (Laplace) sample', () => {
    const rnd = seededRandom(5);
    const x = Float32Array.from({ length: 50_000 }, () => {
      const u = rnd.next() - 0.5;
      return -Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
    });
    let maxAbs = 0;
    for (const v of x) maxAbs = Math.max(maxAbs, Math.abs(v));
    const t = entropyThreshold(x);
    expect(t).toBeLessThan(0.8 * maxAbs);
    expect(t).toBeGreaterThan(2); // keeps the bulk: P(|x| > 2) is only 13.5%
  });

  it('entropy keeps the whole range of a uniform sample (nothing to clip)', () => {
    const rnd = seededRandom(6);
    const x = Float32Array.from({ length: 50_000 }, () => rnd.next() * 2 - 1);
    expect(entropyThreshold(x)).toBeGreaterThan(0.9);
  });

  it('uint8 parameters include zero exactly and cover the range', () => {
    const { scale, zeroPoint } = uint8Params(-1, 3);
    expect(scale).toBeCloseTo(4 / 255, 7);
    expect(zeroPoint).toBe(64);
    expect(uint8Params(0.5, 2).zeroPoint).toBe(0);
    expect(uint8Params(0, 0)).toEqual({ scale: 1, zeroPoint: 0 });
  });
});

describe('entropy on one-sided (ReLU) outputs', () => {
  it('ignores the spike at zero and uses all 256 levels of one side', () => {
    const rnd = seededRandom(7);
    const x = Float32Array.from({ length: 40_000 }, () => Math.max(0, rnd.normal()));
    const s = valueSampler(x.length);
    s.add(x);
    const r = calibratedRange('entropy', s.finish(), { percentile: 99.999 });
    expect(r.min).toBe(0);
    // Measured 2.41; with the zero spike in a 128-level histogram the cut fell to about 1.9.
    expect(r.max).toBeGreaterThan(2.2);
  });
});
