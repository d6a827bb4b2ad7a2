import { exposeTensors } from '../../evaluate/intermediate-tensors';
import type { Feeds } from '../../evaluate/tensor-data';
import type { ModelIR } from '../../ir/model';
import { encodeModel } from '../../onnx/encode';
import { throwIfAborted, yieldToLoop } from '../../util/abort';
import type { LongCallOptions } from '../../util/progress';
import type { OpenModel } from '../types';

/**
 * Runs the model once per calibration sample with `tensors` exposed as extra outputs and hands
 * each run's float32 values of them to `visit` (tensors the runtime returns as another dtype are
 * skipped). Progress is reported as `phase`; the session is released however the runs end.
 */
export async function forEachCalibrationRun(
  model: ModelIR,
  tensors: readonly string[],
  inputs: readonly Feeds[],
  openModel: OpenModel,
  phase: string,
  options: LongCallOptions,
  visit: (name: string, values: Float32Array, dims: readonly number[]) => void,
): Promise<void> {
  const { signal, onProgress } = options;
  throwIfAborted(signal);
  onProgress?.({ kind: 'phase', phase: `${phase}: loading model` });
  const session = await openModel(encodeModel(exposeTensors(model, tensors)));
  try {
    for (const [index, feeds] of inputs.entries()) {
      throwIfAborted(signal);
      onProgress?.({ kind: 'step', phase, index, total: inputs.length });
      const out = await session.run(feeds, tensors);
      for (const name of tensors) {
        const t = out[name];
        if (t && t.dtype === 'float32') visit(name, t.data as Float32Array, t.dims);
      }
      await yieldToLoop();
    }
  } finally {
    await session.release();
  }
}
