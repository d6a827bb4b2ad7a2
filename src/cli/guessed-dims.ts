import { graphInputSpecs } from '../core/evaluate/io-spec';
import { guessedDims as guessedInputDims } from '../core/evaluate/open-dims';
import type { ModelIR } from '../core/ir/model';

/**
 * The input dims synthetic inputs guess for `model` (symbolic or unknown ones not set by
 * `dims`), each as the key --dim takes (`name`, or `input[axis]` for a dim without a name)
 * with the size it got.
 */
export function guessedDims(model: ModelIR, dims: Readonly<Record<string, number>> = {}): string[] {
  return guessedInputDims(graphInputSpecs(model), dims);
}

/** The advice appended to a failure on synthetic inputs whose dims were guessed. */
export function guessedDimsAdvice(guessed: readonly string[]): string {
  return `It ran on seeded synthetic inputs whose unknown dims were guessed (${guessed.join(', ')}); if the model needs other sizes, give real samples with --calibration <dir> and set the dims with --dim name=N (or --dim 'input[axis]=N' for a dim without a name).`;
}
