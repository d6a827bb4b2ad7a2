/**
 * Every kernel loop over elements or rows calls its checkpoint at a bounded interval, so a cancel
 * raised while one big tensor is being processed stops it part way. Each kernel runs once with a
 * counting checkpoint (how many checks a whole tensor makes), then with one that throws AbortError
 * half way: it must stop there, after exactly that many checks, instead of finishing the tensor.
 */
import { describe, expect, it } from 'vitest';
import { CHECK_EVERY, type Checkpoint } from '../../../src/core/util/checkpoint';
import { AbortError } from '../../../src/core/util/errors';
import { seededRandom } from '../../../src/core/util/random';
import { quantizeInt8, dequantizeInt8, axisLayout } from '../../../src/core/methods/kernels/quantize-int8';
import { int8SimdAvailable } from '../../../src/core/methods/kernels/quantize-int8-simd';
import { convertRawToFloat16, convertToFloat16 } from '../../../src/core/methods/kernels/float16';
import { float16SimdAvailable } from '../../../src/core/methods/kernels/float16-simd';
import { quantizeInt4 } from '../../../src/core/methods/kernels/quantize-int4';
import {
  activationKeys,
  magnitudeHistogram,
  magnitudeKeys,
  thresholdFor,
  zeroBelow,
  zeroNofM,
  zeroSmallestMagnitudes,
} from '../../../src/core/methods/prune/score-select';
import { keepAlongAxis, sliceNorms } from '../../../src/core/methods/prune/channel-cut';
import { thinSvd } from '../../../src/core/methods/low-rank/svd';
import { residual } from '../../../src/core/methods/low-rank/layer-error';
import { gptqInt8 } from '../../../src/core/methods/distill/gptq-int8';
import { InputHessian } from '../../../src/core/methods/distill/input-hessian';
import { RidgeFit } from '../../../src/core/methods/distill/ridge-fit';
import type { ReductionLayout } from '../../../src/core/methods/prune/reduction-layout';
import { copyFloat32 } from '../../../src/core/ir/tensor';

/** 4M values (16 MB of float32): 64 checkpoints' worth at CHECK_EVERY. */
const ROWS = 2048;
const COLS = 2048;
const N = ROWS * COLS;

function values(count: number, seed = 3): Float32Array<ArrayBuffer> {
  const rnd = seededRandom(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = rnd.next() * 2 - 1;
  return out;
}

const big = values(N);

function countChecks(run: (check: Checkpoint) => unknown): number {
  let calls = 0;
  run(() => {
    calls++;
  });
  return calls;
}

/**
 * The kernel checks at least `minChecks` times over the whole input, and a checkpoint that throws
 * after half of them stops it right there.
 */
function expectStopsPartWay(run: (check: Checkpoint) => unknown, minChecks: number): void {
  const total = countChecks(run);
  expect(total).toBeGreaterThanOrEqual(minChecks);
  const limit = Math.floor(total / 2);
  let calls = 0;
  const stopping: Checkpoint = () => {
    if (++calls > limit) throw new AbortError();
  };
  expect(() => run(stopping)).toThrow(AbortError);
  expect(calls).toBe(limit + 1);
  expect(calls).toBeLessThan(total);
}

/** JavaScript loops check every CHECK_EVERY elements; WebAssembly pieces are 4x that (the kernels are that much faster). */
const jsChecks = (elements: number): number => Math.floor(elements / CHECK_EVERY);
const simdChecks = (elements: number): number => Math.floor(elements / (4 * CHECK_EVERY));

describe('int8 kernel checkpoints', () => {
  it('JavaScript, channels innermost (MatMul B per column) and per tensor', () => {
    expectStopsPartWay((check) => quantizeInt8(big, axisLayout([ROWS, COLS], 1), false, { simd: false, check }), 2 * jsChecks(N));
    expectStopsPartWay((check) => quantizeInt8(big, axisLayout([ROWS, COLS], undefined), true, { simd: false, check }), 2 * jsChecks(N));
    expectStopsPartWay((check) => quantizeInt8(big, axisLayout([ROWS, COLS], 0), true, { simd: false, check }), 2 * jsChecks(N));
  });

  it.skipIf(!int8SimdAvailable())('WebAssembly SIMD, both layouts, copies included', () => {
    expectStopsPartWay((check) => quantizeInt8(big, axisLayout([ROWS, COLS], 1), false, { check }), 2 * simdChecks(N));
    expectStopsPartWay((check) => quantizeInt8(big, axisLayout([ROWS, COLS], undefined), true, { check }), 2 * simdChecks(N));
  });

  it('exact path of small tensors and the dequantization for bias correction', () => {
    const small = big.subarray(0, 1 << 18);
    expectStopsPartWay((check) => quantizeInt8(small, axisLayout([512, 512], 1), true, { check }), jsChecks(small.length));
    const q = quantizeInt8(big, axisLayout([ROWS, COLS], 1), true);
    expectStopsPartWay((check) => dequantizeInt8(q, axisLayout([ROWS, COLS], 1), check), jsChecks(N));
  });

  it('an already-raised flag stops before any work is done', () => {
    let calls = 0;
    const raised: Checkpoint = () => {
      calls++;
      throw new AbortError();
    };
    expect(() => quantizeInt8(big, axisLayout([ROWS, COLS], 1), true, { check: raised })).toThrow(AbortError);
    expect(calls).toBe(1);
  });
});

describe('reading float32 values from unaligned raw bytes', () => {
  it('copies them in pieces, with a check before each', () => {
    const raw = new Uint8Array(4 * N + 1).subarray(1);
    raw.set(new Uint8Array(big.buffer));
    expectStopsPartWay((check) => copyFloat32(raw, N, check), Math.floor(N / (16 * CHECK_EVERY)));
    expect(copyFloat32(raw, N)).toEqual(big);
  });
});

describe('float16 kernel checkpoints', () => {
  it('JavaScript, aligned and unaligned raw bytes', () => {
    expectStopsPartWay((check) => convertToFloat16(big, true, { simd: false, check }), jsChecks(N));
    const raw = new Uint8Array(4 * N + 1).subarray(1);
    raw.set(new Uint8Array(big.buffer));
    expectStopsPartWay((check) => convertRawToFloat16(raw, N, true, { simd: false, check }), jsChecks(N));
  });

  it.skipIf(!float16SimdAvailable())('WebAssembly SIMD, copies included', () => {
    expectStopsPartWay((check) => convertToFloat16(big, true, { check }), simdChecks(N));
  });
});

describe('int4 kernel checkpoints', () => {
  it('[K, N] and [N, K] weights: block ranges and codes', () => {
    expectStopsPartWay((check) => quantizeInt4({ data: big, k: ROWS, n: COLS, transposed: false }, { blockSize: 32, symmetric: false, check }), 2 * jsChecks(N));
    expectStopsPartWay((check) => quantizeInt4({ data: big, k: ROWS, n: COLS, transposed: true }, { blockSize: 32, symmetric: true, check }), 2 * jsChecks(N));
  });
});

describe('pruning kernel checkpoints', () => {
  const layout: ReductionLayout = { outer: 1, length: ROWS, inner: COLS, channelBase: () => 0, inputChannels: ROWS, form: 'MatMul' };

  it('per-layer magnitude: histogram and the one-pass zeroing', () => {
    const high = new Uint32Array(65536);
    expectStopsPartWay((check) => magnitudeHistogram(big, high, check), jsChecks(N));
    magnitudeHistogram(big, high);
    expectStopsPartWay((check) => zeroSmallestMagnitudes(new Float32Array(N), big, N / 2, high, check), jsChecks(N));
  });

  it('keys, threshold and zeroing below it (global and activation scores)', () => {
    expectStopsPartWay((check) => magnitudeKeys(big, undefined, undefined, check), jsChecks(N));
    const keys = magnitudeKeys(big);
    expectStopsPartWay((check) => thresholdFor([keys], N / 2, undefined, check), 2 * jsChecks(N));
    const t = thresholdFor([keys], N / 2);
    expectStopsPartWay((check) => zeroBelow(new Float32Array(N), big, keys, t, t.ties, check), jsChecks(N));
    expectStopsPartWay((check) => activationKeys(big, layout, new Float64Array(ROWS).fill(1), check), jsChecks(N));
  });

  it('n:m patterns', () => {
    const keys = magnitudeKeys(big);
    expectStopsPartWay((check) => zeroNofM(new Float32Array(big), keys, layout, 2, 4, check), jsChecks(N));
  });

  it('channel cuts: slice norms and keeping channels along either axis', () => {
    const keep = Array.from({ length: ROWS / 2 }, (_, i) => 2 * i);
    expectStopsPartWay((check) => sliceNorms(big, [ROWS, COLS], 1, 'l2', check), jsChecks(N));
    expectStopsPartWay((check) => sliceNorms(big, [ROWS, COLS], 0, 'l1', check), jsChecks(N));
    expectStopsPartWay((check) => keepAlongAxis(big, [ROWS, COLS], 0, keep, check), jsChecks(N / 2));
    expectStopsPartWay((check) => keepAlongAxis(big, [ROWS, COLS], 1, keep, check), jsChecks(N / 2));
  });
});

describe('low-rank and reconstruction checkpoints', () => {
  it('thin SVD and the residual of its factors', () => {
    const m = 160;
    const a = Float64Array.from(values(m * m, 5));
    expectStopsPartWay((check) => thinSvd(a, m, m, check), m);
    const f = { rank: m, a: Float32Array.from(a), b: Float32Array.from(a) };
    expectStopsPartWay((check) => residual(a, f, m, m, check), m);
  });

  it('GPTQ rounding, one check per row at least', () => {
    const k = 256;
    const n = 256;
    const h = new Float64Array(k * k);
    for (let i = 0; i < k; i++) h[i * k + i] = 1 + i / k;
    const w = { data: values(k * n, 7), k, n, transposed: false };
    expectStopsPartWay((check) => {
      const r = gptqInt8(w, true, true, h, { damp: 0.01, batch: 32, actOrder: false, check });
      if (typeof r === 'string') throw new Error(r);
    }, k);
  });

  it('input Hessian and ridge-fit accumulation: a check per row at least (a row here is over CHECK_EVERY multiply-adds)', () => {
    const k = 512;
    const rows = 256;
    const x = values(rows * k, 9);
    expectStopsPartWay((check) => new InputHessian(k).add(x, check), rows);
    const y = values(rows * k, 11);
    expectStopsPartWay((check) => {
      const why = new RidgeFit(k, k, true).add(x, y, check);
      if (why) throw new Error(why);
    }, rows);
  });
});
