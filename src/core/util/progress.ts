import type { CancelFlag } from './cancel-flag';

/** Progress of a long call, as a small tagged union that crosses worker boundaries as plain data. */
export type Progress =
  | { kind: 'phase'; phase: string }
  | { kind: 'step'; phase: string; index: number; total: number; item?: string }
  | { kind: 'log'; level: 'info' | 'warn'; message: string };

export type ProgressCallback = (p: Progress) => void;

/** Options every long-running core function accepts. */
export interface LongCallOptions {
  signal?: AbortSignal;
  /**
   * Raised by another thread to cancel the call; unlike the signal, a synchronous kernel loop sees
   * it at its next checkpoint (see util/checkpoint.ts). Hosts pass both.
   */
  cancelFlag?: CancelFlag;
  onProgress?: ProgressCallback;
}
