import { labelAccuracy, type AccuracyResult } from './accuracy';
import { compareDecisions, type OutputAgreement } from './agreement';
import { compareOutputs, type OutputMetrics } from './metrics';
import type { Feeds } from './tensor-data';

/** Everything measured about one output: the numeric metrics and, where the shape allows, the decision agreement. */
export type OutputReport = OutputMetrics & Omit<OutputAgreement, 'name'>;

export interface EvaluationOptions {
  /** One output index per sample: adds top-1/top-5 accuracy of both models. */
  labels?: readonly number[];
  /** The output the labels index into; default the first classifier-shaped one. */
  labelOutput?: string;
  /** Threshold for the IoU of single-channel maps (default 0.5). */
  threshold?: number;
}

export interface Evaluation {
  samples: number;
  outputs: OutputReport[];
  accuracy?: AccuracyResult;
}

/** compareOutputs, compareDecisions and (with labels) labelAccuracy over the same runs. */
export function evaluateOutputs(ref: readonly Feeds[], cand: readonly Feeds[], options: EvaluationOptions = {}): Evaluation {
  const metrics = compareOutputs(ref, cand);
  const decisions = compareDecisions(ref, cand, options.threshold !== undefined ? { threshold: options.threshold } : {});
  const outputs = metrics.map((m, i) => {
    const { name: _name, ...rest } = decisions[i]!;
    return { ...m, ...rest };
  });
  const evaluation: Evaluation = { samples: ref.length, outputs };
  if (options.labels) evaluation.accuracy = labelAccuracy(ref, cand, options.labels, options.labelOutput);
  return evaluation;
}
