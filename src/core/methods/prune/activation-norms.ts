import type { Feeds } from '../../evaluate/tensor-data';
import type { ModelIR } from '../../ir/model';
import type { LongCallOptions } from '../../util/progress';
import { forEachCalibrationRun } from '../calibration/calibration-runs';
import type { OpenModel } from '../types';

export interface NormRequest {
  tensor: string;
  axis: 'second' | 'last';
}

function accumulate(sums: Map<string, Float64Array>, name: string, axisKind: 'second' | 'last', data: ArrayLike<number>, dims: readonly number[]): void {
  const axis = axisKind === 'second' ? 1 : dims.length - 1;
  if (dims.length < 2 || axis < 1) return;
  const channels = dims[axis]!;
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const acc = sums.get(name) ?? new Float64Array(channels);
  if (acc.length !== channels) return;
  for (let base = 0; base < data.length; base += channels * inner) {
    for (let c = 0; c < channels; c++) {
      let s = 0;
      const start = base + c * inner;
      for (let i = 0; i < inner; i++) s += data[start + i]! * data[start + i]!;
      acc[c]! += s;
    }
  }
  sums.set(name, acc);
}

/**
 * The L2 norm of every channel of the requested activations over all calibration samples and
 * positions (Wanda's ‖x_j‖). Graph inputs are read from the feeds; other tensors from one run of
 * the model per sample with them exposed. Tensors the runtime gives as other than float32 are left out.
 */
export async function collectChannelNorms(
  model: ModelIR,
  requests: readonly NormRequest[],
  inputs: readonly Feeds[],
  openModel: OpenModel,
  options: LongCallOptions = {},
  phase = 'prune-unstructured: activation norms',
): Promise<Map<string, Float64Array>> {
  const axisOf = new Map(requests.map((r) => [r.tensor, r.axis]));
  const graphInputs = new Set(model.graph?.input.map((v) => v.name) ?? []);
  const sums = new Map<string, Float64Array>();
  for (const feeds of inputs) {
    for (const [name, t] of Object.entries(feeds)) {
      const axis = axisOf.get(name);
      if (axis && graphInputs.has(name) && t.dtype === 'float32') accumulate(sums, name, axis, t.data as Float32Array, t.dims);
    }
  }
  const exposed = [...axisOf.keys()].filter((n) => !graphInputs.has(n));
  if (exposed.length > 0) {
    await forEachCalibrationRun(model, exposed, inputs, openModel, phase, options, (name, data, dims) => {
      accumulate(sums, name, axisOf.get(name)!, data, dims);
    });
  }
  return new Map([...sums].map(([name, s]) => [name, s.map(Math.sqrt)]));
}
