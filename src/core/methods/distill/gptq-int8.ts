/**
 * GPTQ for int8 weights read by MatMul/Gemm (the algorithm is in gptq-core.ts): the scales and
 * zero points are round-to-nearest's (per output channel or per tensor, from the original
 * weight's range), only the codes change, so the DequantizeLinear form stays the same.
 */
import { axisLayout, dequantizeValueInt8, quantizeInt8, quantizeValueInt8, type Int8Quantized } from '../kernels/quantize-int8';
import type { WeightMatrix } from '../kernels/quantize-int4';
import { gptqRound, type GptqSettings } from './gptq-core';

/** Error figures of the stored codes against the original, every value. */
function errorFigures(original: Float32Array, q: Int8Quantized, channelOf: (i: number) => number): Pick<Int8Quantized, 'maxAbsError' | 'meanAbsError' | 'sqnrDb'> {
  let abs = 0;
  let max = 0;
  let sq = 0;
  let signal = 0;
  for (let i = 0; i < original.length; i++) {
    const c = channelOf(i);
    const v = original[i]!;
    const e = v - dequantizeValueInt8(q.values[i]!, q.scales[c]!, q.zeroPoints[c]!);
    const a = Math.abs(e);
    abs += a;
    if (a > max) max = a;
    sq += e * e;
    signal += v * v;
  }
  return { maxAbsError: max, meanAbsError: original.length === 0 ? 0 : abs / original.length, sqnrDb: sq === 0 ? Infinity : 10 * Math.log10(signal / sq) };
}

/**
 * Int8 codes for a 2-D weight seen as K x N (`transposed`: stored [N, K], Gemm transB=1), one
 * scale per output column n when `perChannel`, else one for the tensor; or why not.
 */
export function gptqInt8(w: WeightMatrix, perChannel: boolean, symmetric: boolean, hessian: Float64Array, s: GptqSettings): Int8Quantized | string {
  const { k: K, n: N, transposed, data } = w;
  const dims = transposed ? [N, K] : [K, N];
  const layout = axisLayout(dims, perChannel ? (transposed ? 0 : 1) : undefined);
  const rtn = quantizeInt8(data, layout, symmetric, s.check ? { check: s.check } : {});
  if (rtn.nonFinite) return 'the weight holds NaN or infinite values';
  const { scales, zeroPoints } = rtn;
  const values = new Int8Array(K * N);
  const r = gptqRound(w, hessian, s, {
    round: (k, n, v) => {
      const c = perChannel ? n : 0;
      const q = quantizeValueInt8(v, scales[c]!, zeroPoints[c]!);
      values[transposed ? n * K + k : k * N + n] = q;
      return dequantizeValueInt8(q, scales[c]!, zeroPoints[c]!);
    },
  });
  if (typeof r === 'string') return r;
  const q: Int8Quantized = { ...rtn, values, sampled: false };
  const channelOf = !perChannel ? () => 0 : transposed ? (i: number) => Math.floor(i / K) : (i: number) => i % N;
  return { ...q, ...errorFigures(data, q, channelOf) };
}
