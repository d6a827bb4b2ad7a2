import type { ModelProto } from './schema';
import { dtypeName, rawByteLength } from '../ir/dtype';
import { listWeights } from '../ir/walk';
import { ModelFormatError } from '../util/errors';

/**
 * Checks that every stored weight with raw data (initializers and Constant nodes, subgraphs
 * included) holds exactly the bytes its dtype and shape call for, so later readers can take
 * views without running past a tensor. Corrupt or truncated files fail here, with a typed error.
 */
export function checkWeightPayloads(model: ModelProto): void {
  for (const { name, tensor } of listWeights(model)) {
    const raw = tensor.rawData.byteLength;
    if (raw === 0) continue;
    const shape = `[${tensor.dims.join(', ')}]`;
    if (tensor.dims.some((d) => d < 0n)) {
      throw new ModelFormatError(`Tensor '${name}' declares shape ${shape} with a negative dimension; expected dimensions >= 0.`);
    }
    const count = tensor.dims.reduce((n, d) => n * Number(d), 1);
    const expected = rawByteLength(tensor.dataType, count);
    // dtypes without a fixed element size (strings, unknown codes) are left to the consumer.
    if (expected === 0 && count > 0) continue;
    if (expected !== raw) {
      throw new ModelFormatError(
        `Tensor '${name}' (${dtypeName(tensor.dataType)}, shape ${shape}) should hold ${expected} bytes of raw data but holds ${raw}; the file is corrupt or was cut short.`,
      );
    }
  }
}
