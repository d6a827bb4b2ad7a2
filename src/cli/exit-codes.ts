import { isFeatherweightError } from '../core/util/errors';
import { UsageError } from './cli-errors';

/** The CLI's exit codes. */
export const EXIT = {
  ok: 0,
  /** Anything unexpected: an I/O failure writing the output, a bug. */
  failure: 1,
  /** Unknown command or flag, missing or malformed argument, unreadable input path. */
  usage: 2,
  /** The model is not valid ONNX, or valid but not something this operation supports. */
  model: 3,
  /** Interrupted (Ctrl-C). */
  aborted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code for an error thrown by a command. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UsageError) return EXIT.usage;
  if (isFeatherweightError(error)) return error.name === 'AbortError' ? EXIT.aborted : EXIT.model;
  return EXIT.failure;
}
