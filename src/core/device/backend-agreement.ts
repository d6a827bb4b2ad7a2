import type { OutputMetrics } from '../evaluate/metrics';

/**
 * When two backends running the same model count as agreeing, per output. Float32 kernels on
 * WASM and WebGPU differ only by accumulation order, fused multiply-adds and the GPU's faster
 * transcendental functions: typically 60 dB SQNR or more and a cosine of 0.99999. A wrong kernel
 * (a quantized op mis-lowered, a layout bug: the silently wrong outputs users meet on WebGPU)
 * lands far below. 30 dB (about 3% relative RMS error) and a cosine of 0.999 sit between the
 * two, with room for float16 compute on the GPU (about 40-50 dB).
 */
export interface AgreementTolerance {
  /** Lowest SQNR in dB of the candidate backend against the reference backend (default 30). */
  minSqnrDb: number;
  /** Lowest cosine similarity (default 0.999). */
  minCosine: number;
}

export const DEFAULT_AGREEMENT_TOLERANCE: AgreementTolerance = { minSqnrDb: 30, minCosine: 0.999 };

export interface OutputAgreement extends OutputMetrics {
  agrees: boolean;
  /** Why it does not agree: each limit crossed, NaN/Inf only on one side. Empty when it agrees. */
  problems: string[];
}

/** Judges each output's metrics against the tolerance. */
export function judgeAgreement(outputs: readonly OutputMetrics[], tolerance: AgreementTolerance = DEFAULT_AGREEMENT_TOLERANCE): OutputAgreement[] {
  return outputs.map((m) => {
    const problems: string[] = [];
    if (!(m.sqnrDb >= tolerance.minSqnrDb)) problems.push(`SQNR ${m.sqnrDb.toFixed(1)} dB is below ${tolerance.minSqnrDb} dB`);
    if (!(m.cosine >= tolerance.minCosine)) problems.push(`cosine ${m.cosine.toFixed(6)} is below ${tolerance.minCosine}`);
    if (m.nonFinite.reference !== m.nonFinite.candidate) {
      problems.push(`non-finite values: ${m.nonFinite.reference} in the reference, ${m.nonFinite.candidate} in the candidate`);
    }
    return { ...m, agrees: problems.length === 0, problems };
  });
}
