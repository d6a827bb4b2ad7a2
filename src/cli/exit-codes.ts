import { isFeatherweightError } from '../core/util/errors';
import { OutputFileError, UsageError } from './cli-errors';

/** The CLI's exit codes. */
export const EXIT = {
  ok: 0,
  /** A bug: anything no typed error describes. */
  failure: 1,
  /** Unknown command or flag, missing or malformed argument, unreadable input path. */
  usage: 2,
  /** The model is not valid ONNX, or valid but not something this operation supports. */
  model: 3,
  /** The output file could not be written (missing folder, permissions, full disk). */
  output: 4,
  /** Interrupted (Ctrl-C). */
  aborted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code for an error thrown by a command. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof OutputFileError) return EXIT.output;
  if (isFeatherweightError(error)) return error.name === 'AbortError' ? EXIT.aborted : EXIT.model;
  return EXIT.failure;
}
