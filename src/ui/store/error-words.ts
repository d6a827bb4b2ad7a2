import type { UiError } from './ui-error';

/** A heading per error kind, in a user's words. */
const TITLES: Record<string, string> = {
  ModelFormatError: 'Not a readable ONNX model',
  ExternalDataError: 'External data problem',
  UnsupportedModelError: 'Unsupported model',
  RecipeError: 'Recipe problem',
  RuntimeError: 'onnxruntime-web could not run the model',
  InputSynthesisError: 'Cannot make test inputs',
  OutputMismatchError: 'Outputs cannot be compared',
  DropReadError: 'Could not read what was dropped',
  SampleFormatError: 'Some samples cannot be used',
  SampleSettingsError: 'The preprocessing settings do not work',
  WorkerCrashError: 'A background worker stopped',
  StorageQuotaError: 'The storage on this device is full',
  StorageError: 'Saving on this device failed',
};

/** Kinds whose message is the studio's own readable sentence; the others carry a runtime's raw text. */
const OWN_WORDS = new Set([
  // The studio's own plain errors (a drop of two models, a missing original timing) say it in words.
  'Error',
  'ModelFormatError',
  'ExternalDataError',
  'UnsupportedModelError',
  'RecipeError',
  'DropReadError',
  'SampleFormatError',
  'SampleSettingsError',
  'WorkerCrashError',
  'StorageQuotaError',
  'StorageError',
  'InputSynthesisError',
  'OutputMismatchError',
]);

export interface ErrorWords {
  title: string;
  /** What happened, for anyone. */
  summary: string;
  /** The runtime's own text, behind a disclosure; null when the summary is already all of it. */
  raw: string | null;
}

/** An error in a user's words; `subject` is what it concerns (`int4`, `the samples`). */
export function describeError(error: UiError, subject?: string): ErrorWords {
  const title = TITLES[error.name] ?? 'Something went wrong';
  if (OWN_WORDS.has(error.name)) return { title, summary: error.message, raw: null };
  const about = subject ? ` ${subject}` : '';
  if (/out of memory|allocation failed|memory access out of bounds/i.test(error.message)) {
    return { title: 'Out of memory', summary: `The browser ran out of memory${about ? ` on${about}` : ''}. Close other tabs, or try a smaller model or a recipe with fewer steps.`, raw: `${error.name}: ${error.message}` };
  }
  const summary =
    error.name === 'RuntimeError'
      ? `onnxruntime-web refused or failed to run${about || ' the model'}. The model may use an operator or data type this backend lacks; try another backend or recipe.`
      : `${subject ? `${subject[0]!.toUpperCase()}${subject.slice(1)}: ` : ''}the operation failed. The details below say where.`;
  return { title, summary, raw: `${error.name}: ${error.message}` };
}
