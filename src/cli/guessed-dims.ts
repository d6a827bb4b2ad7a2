import { graphInputSpecs } from '../core/evaluate/io-spec';
import { resolveShape } from '../core/evaluate/inputs';
import type { ModelIR } from '../core/ir/model';

/**
 * The input dims synthetic inputs guess for `model` (symbolic or unknown ones not set by
 * `dims`), each as the key --dim takes (`name`, or `input[axis]` for a dim without a name)
 * with the size it got.
 */
export function guessedDims(model: ModelIR, dims: Readonly<Record<string, number>> = {}): string[] {
  const out = new Set<string>();
  for (const spec of graphInputSpecs(model)) {
    if (!spec.shape) continue;
    let sizes: number[];
    try {
      sizes = resolveShape(spec, dims);
    } catch {
      continue;
    }
    spec.shape.forEach((d, axis) => {
      if (typeof d === 'number' && d >= 0) return;
      const key = typeof d === 'string' && d !== '' && d !== '?' ? d : `${spec.name}[${axis}]`;
      if (dims[key] !== undefined || dims[`${spec.name}[${axis}]`] !== undefined) return;
      out.add(`${key}=${sizes[axis]}`);
    });
  }
  return [...out];
}

/** The advice appended to a failure on synthetic inputs whose dims were guessed. */
export function guessedDimsAdvice(guessed: readonly string[]): string {
  return `It ran on seeded synthetic inputs whose unknown dims were guessed (${guessed.join(', ')}); if the model needs other sizes, give real samples with --calibration <dir> and set the dims with --dim name=N (or --dim 'input[axis]=N' for a dim without a name).`;
}
