import type { Feeds } from '../../evaluate/tensor-data';
import type { ModelIR } from '../../ir/model';
import type { LongCallOptions } from '../../util/progress';
import type { OpenModel } from '../types';
import { forEachCalibrationRun } from './calibration-runs';

/** Which axis of an activation holds its channels: 1 for [N, C, ...] feature maps, the last for [rows, features]. */
export type ChannelAxis = 'second' | 'last';

export interface ChannelMeanRequest {
  tensor: string;
  axis: ChannelAxis;
}

/**
 * Mean of each channel of the requested activations over every calibration sample and every
 * other position, from one run of the model per sample with those activations exposed as
 * outputs. Tensors the runtime returns as other than float32, or with too few dimensions for
 * their axis, are left out of the result.
 */
export async function collectChannelMeans(
  model: ModelIR,
  requests: readonly ChannelMeanRequest[],
  inputs: readonly Feeds[],
  openModel: OpenModel,
  options: LongCallOptions = {},
): Promise<Map<string, Float64Array>> {
  const names = [...new Set(requests.map((r) => r.tensor))];
  const axisOf = new Map(requests.map((r) => [r.tensor, r.axis]));
  const sums = new Map<string, { sum: Float64Array; count: number }>();
  await forEachCalibrationRun(model, names, inputs, openModel, 'bias correction: activation means', options, (name, data, dims) => {
    const axis = axisOf.get(name) === 'second' ? 1 : dims.length - 1;
    if (dims.length < 2 || axis < 1) return;
    const channels = dims[axis]!;
    const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
    const acc = sums.get(name) ?? { sum: new Float64Array(channels), count: 0 };
    if (acc.sum.length !== channels) return;
    for (let base = 0; base < data.length; base += channels * inner) {
      for (let c = 0; c < channels; c++) {
        let s = 0;
        const start = base + c * inner;
        for (let i = 0; i < inner; i++) s += data[start + i]!;
        acc.sum[c]! += s;
      }
    }
    acc.count += data.length / channels;
    sums.set(name, acc);
  });
  const means = new Map<string, Float64Array>();
  for (const [name, { sum, count }] of sums) if (count > 0) means.set(name, sum.map((v) => v / count));
  return means;
}
