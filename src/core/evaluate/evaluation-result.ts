import type { ErrorInfo } from './error-info';
import type { Evaluation } from './evaluation';

/** Which inputs a run used: the user's samples or seeded synthetic ones. */
export type InputsUsed =
  | { kind: 'samples'; count: number; of: number; labelled: boolean }
  | { kind: 'synthetic'; count: number; seed: number; shapes: Record<string, number[]> };

export type CandidateEvaluation = { ok: true; evaluation: Evaluation } | { ok: false; error: ErrorInfo };

export interface EvaluateResult {
  inputs: InputsUsed;
  /** One per candidate, in order; a candidate that fails to run does not sink the others. */
  candidates: CandidateEvaluation[];
}
