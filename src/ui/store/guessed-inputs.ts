import type { IOSpecLike } from '../../core/evaluate/io-spec';
import { guessedDims, guessedValues } from '../../core/evaluate/open-dims';
import type { UiError } from './ui-error';

/**
 * What a failed measurement adds to its error when it ran on guessed inputs: which dims were
 * guessed (and scalar inputs left random) and where to set them; null when nothing was guessed.
 */
export function guessedInputsAdvice(inputs: readonly IOSpecLike[], dims: Readonly<Record<string, number>>, values: Readonly<Record<string, number>>): string | null {
  const sizes = guessedDims(inputs, dims);
  const random = guessedValues(inputs, values);
  if (sizes.length === 0 && random.length === 0) return null;
  const parts = [sizes.length > 0 && `unknown dims were guessed (${sizes.join(', ')})`, random.length > 0 && `scalar inputs were random (${random.join(', ')})`].filter(Boolean);
  return `It ran on seeded synthetic inputs whose ${parts.join(' and whose ')}. If the model needs other sizes or values, set them under Input sizes in the Compress panel, then re-measure.`;
}

/** The error with the advice appended, when there is advice. */
export function withGuessedInputsAdvice(error: UiError, advice: string | null): UiError {
  return advice ? { ...error, message: `${error.message} ${advice}` } : error;
}
