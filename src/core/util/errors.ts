/**
 * Typed errors. The kind lives in `name` because comlink only carries
 * name, message and stack across a worker boundary.
 */
export type FeatherweightErrorName =
  | 'ModelFormatError'
  | 'ExternalDataError'
  | 'UnsupportedModelError'
  | 'RecipeError'
  | 'AbortError'
  | 'RuntimeError'
  | 'SampleFormatError'
  | 'ReportError';

export class FeatherweightError extends Error {
  constructor(
    override readonly name: FeatherweightErrorName,
    message: string,
  ) {
    super(message);
  }
}

/** The bytes are not a readable ONNX model (empty, truncated, another format, no graph). */
export class ModelFormatError extends FeatherweightError {
  constructor(
    message: string,
    /** When the bytes are recognisably another format, which one. */
    readonly detectedFormat?: string,
  ) {
    super('ModelFormatError', message);
  }
}

/** An external data reference that is missing, out of range or escapes the model's folder. */
export class ExternalDataError extends FeatherweightError {
  constructor(message: string) {
    super('ExternalDataError', message);
  }
}

/** A valid ONNX model that this operation cannot handle. */
export class UnsupportedModelError extends FeatherweightError {
  constructor(message: string) {
    super('UnsupportedModelError', message);
  }
}

/** A recipe string or JSON that does not parse or names unknown methods/options. */
export class RecipeError extends FeatherweightError {
  constructor(message: string) {
    super('RecipeError', message);
  }
}

export class AbortError extends FeatherweightError {
  constructor(message = 'The operation was cancelled.') {
    super('AbortError', message);
  }
}

/** onnxruntime-web refused or failed to run a model. */
export class RuntimeError extends FeatherweightError {
  constructor(message: string) {
    super('RuntimeError', message);
  }
}

export function isFeatherweightError(e: unknown): e is FeatherweightError {
  return e instanceof FeatherweightError;
}
