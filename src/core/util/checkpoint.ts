import { cancelFlagRaised } from './cancel-flag';
import { AbortError } from './errors';
import type { LongCallOptions } from './progress';

/**
 * Called by a synchronous loop at a bounded interval: throws AbortError once the call was
 * cancelled (its signal aborted or its cancel flag raised), and costs one or two loads otherwise.
 */
export type Checkpoint = () => void;

/**
 * Elements (or the equivalent work, e.g. multiply-adds) between two checkpoints in a kernel
 * loop: 65536 float32 values take the slowest kernel well under a millisecond, so a cancel is seen
 * within a millisecond or so, and one call per chunk costs nothing measurable.
 */
export const CHECK_EVERY = 1 << 16;

/** For loops with nothing to cancel them. */
export const noCheckpoint: Checkpoint = () => undefined;

/** The checkpoint of a long call: its signal and cancel flag, whichever it has. */
export function checkpointFor(options: Pick<LongCallOptions, 'signal' | 'cancelFlag'>): Checkpoint {
  const { signal, cancelFlag } = options;
  if (cancelFlag) {
    return () => {
      if (cancelFlagRaised(cancelFlag) || signal?.aborted) throw new AbortError();
    };
  }
  if (signal) {
    return () => {
      if (signal.aborted) throw new AbortError();
    };
  }
  return noCheckpoint;
}

/** Rows of `rowLength` elements that make about CHECK_EVERY elements (at least one row). */
export function rowsPerCheck(rowLength: number): number {
  return Math.max(1, Math.floor(CHECK_EVERY / Math.max(1, rowLength)));
}
