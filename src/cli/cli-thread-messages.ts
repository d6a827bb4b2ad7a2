import type { CancelFlag } from '../core/util/cancel-flag';

/** Messages between the CLI's main thread (main.ts) and the thread that runs the command (cli-thread.ts). */

/** Main thread to command thread. */
export type ToCommandThread = { kind: 'abort' };

/** Command thread to main thread, in order: output lines, then one `done` with the exit code. */
export type FromCommandThread = { kind: 'stdout' | 'stderr'; text: string } | { kind: 'done'; code: number };

/** What the command thread starts with. */
export interface CommandThreadData {
  argv: string[];
  debug: boolean;
  /** On shared memory: main.ts raises it on Ctrl-C, and a kernel loop in the command's thread sees it at its next checkpoint. */
  cancelFlag: CancelFlag;
}
