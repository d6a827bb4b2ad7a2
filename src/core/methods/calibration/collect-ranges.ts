import type { Feeds } from '../../evaluate/tensor-data';
import type { ModelIR } from '../../ir/model';
import { throwIfAborted, yieldToLoop } from '../../util/abort';
import type { LongCallOptions } from '../../util/progress';
import type { OpenModel } from '../types';
import { forEachCalibrationRun } from './calibration-runs';
import { calibratedRange, type CalibratorKind, type TensorRange } from './calibrators';
import { valueSampler, type ValueSampler } from './value-sample';

export interface CollectRangesOptions extends LongCallOptions {
  calibrator: CalibratorKind;
  percentile: number;
  /** Per-tensor sample capacity (see valueSampler). */
  capacity?: number;
}

/**
 * Runs the model once per calibration sample with `tensors` exposed as extra outputs, feeds each
 * tensor's values to its sampler, and returns the calibrator's range per tensor. Tensors the
 * runtime returns as something other than float32 are left out of the result.
 */
export async function collectRanges(
  model: ModelIR,
  tensors: readonly string[],
  inputs: readonly Feeds[],
  openModel: OpenModel,
  options: CollectRangesOptions,
): Promise<Map<string, TensorRange>> {
  const { signal, onProgress } = options;
  const samplers = new Map<string, ValueSampler>();
  await forEachCalibrationRun(model, tensors, inputs, openModel, 'calibration', options, (name, data) => {
    let s = samplers.get(name);
    if (!s) {
      s = valueSampler(data.length * inputs.length, options.capacity);
      samplers.set(name, s);
    }
    s.add(data);
  });
  onProgress?.({ kind: 'phase', phase: `calibration: ${options.calibrator} ranges` });
  const ranges = new Map<string, TensorRange>();
  for (const [name, s] of samplers) {
    throwIfAborted(signal);
    ranges.set(name, calibratedRange(options.calibrator, s.finish(), { percentile: options.percentile }));
    if (options.calibrator !== 'minmax') await yieldToLoop();
  }
  return ranges;
}
