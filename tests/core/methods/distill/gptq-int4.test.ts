import { describe, expect, it } from 'vitest';
import { gptqInt4 } from '../../../../src/core/methods/distill/gptq-int4';
import { quantizeInt4Gptq } from '../../../../src/core/methods/distill/gptq-int4-plan';
import { InputHessian } from '../../../../src/core/methods/distill/input-hessian';
import { dequantizeInt4, quantizeInt4, type WeightMatrix } from '../../../../src/core/methods/kernels/quantize-int4';
import { seededRandom } from '../../../../src/core/util/random';
import { correlatedInputs } from '../../../fixtures/correlated-inputs';
import { outputError } from './layer-output-error';

const K = 64;
const N = 24;
const r = seededRandom(11);
const weight: WeightMatrix = { data: Float32Array.from({ length: K * N }, () => r.normal() * 0.1), k: K, n: N, transposed: false };
const calib = correlatedInputs(256, K, 5);
const held = correlatedInputs(256, K, 6);
const h = new InputHessian(K);
h.add(calib);
const hessian = h.symmetric();

describe('GPTQ for 4-bit blocks (a 64x24 layer, correlated inputs)', () => {
  const rtn = dequantizeInt4(quantizeInt4(weight, { blockSize: 16, symmetric: true }));
  const rtnError = outputError(held, 256, weight.data, rtn, K, N, false);

  for (const actOrder of [false, true]) {
    for (const symmetric of [true, false]) {
      it(`act-order ${actOrder}, symmetric ${symmetric}: lower output error than round to nearest on held-out inputs`, () => {
        const q = quantizeInt4Gptq(weight, 16, symmetric, hessian, { damp: 0.01, batch: 128, actOrder });
        if (typeof q === 'string') throw new Error(q);
        const base = dequantizeInt4(quantizeInt4(weight, { blockSize: 16, symmetric }));
        const gptqError = outputError(held, 256, weight.data, dequantizeInt4(q), K, N, false);
        const baseError = outputError(held, 256, weight.data, base, K, N, false);
        expect(gptqError).toBeLessThan(0.7 * baseError);
        // The weights themselves move further from the original: the error goes where inputs do not look.
        expect(q.sqnrDb).toBeLessThan(quantizeInt4(weight, { blockSize: 16, symmetric }).sqnrDb + 1e-9);
      });
    }
  }

  it('the lazy batch size (rounded up to whole blocks) changes the speed only, not the codes', () => {
    const a = gptqInt4(weight, 16, true, hessian, { damp: 0.01, batch: 128, actOrder: false });
    const b = gptqInt4(weight, 16, true, hessian, { damp: 0.01, batch: 5, actOrder: false });
    if (typeof a === 'string' || typeof b === 'string') throw new Error('factor failed');
    let differ = 0;
    for (let i = 0; i < a.packed.length; i++) if (a.packed[i] !== b.packed[i]) differ++;
    // Summation order differs in float64; a rare code can flip on a near-tie.
    expect(differ / a.packed.length).toBeLessThan(0.01);
  });

  it('a transposed (Gemm transB) weight gets the same codes as its K x N form', () => {
    const t = new Float32Array(K * N);
    for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) t[n * K + k] = weight.data[k * N + n]!;
    const a = gptqInt4(weight, 16, false, hessian, { damp: 0.01, batch: 32, actOrder: true });
    const b = gptqInt4({ data: t, k: K, n: N, transposed: true }, 16, false, hessian, { damp: 0.01, batch: 32, actOrder: true });
    if (typeof a === 'string' || typeof b === 'string') throw new Error('factor failed');
    expect(b.packed).toEqual(a.packed);
  });

  it('with an identity Hessian (white inputs) and no damping it is round to nearest', () => {
    const eye = new Float64Array(K * K);
    for (let i = 0; i < K; i++) eye[i * K + i] = 1;
    const q = quantizeInt4Gptq(weight, 16, true, eye, { damp: 0, batch: 128, actOrder: false });
    if (typeof q === 'string') throw new Error(q);
    expect(q.packed).toEqual(quantizeInt4(weight, { blockSize: 16, symmetric: true }).packed);
    expect(rtnError).toBeGreaterThan(0);
  });

  it('says why when the Hessian does not fit the weight or holds NaN', () => {
    expect(gptqInt4(weight, 16, true, new Float64Array(4), { damp: 0.01, batch: 8, actOrder: false })).toMatch(/4 values for 64 inputs/);
    expect(gptqInt4(weight, 16, true, new Float64Array(K * K).fill(NaN), { damp: 0.01, batch: 8, actOrder: false })).toMatch(/not positive definite/);
  });
});
