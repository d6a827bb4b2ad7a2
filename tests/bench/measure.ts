/** Timing helpers for `npm run bench`: medians, and a GC to call between runs. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The engine's garbage collector, exposed at run time so `npm run bench` needs no node flags. */
export function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as unknown;
  return typeof gc === 'function' ? () => (gc as () => void)() : () => undefined;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface TimedOperation {
  operation: string;
  /** The largest allowed ratio to the copy time, when the operation has a target. */
  target?: number;
  run: () => unknown;
}

/**
 * Runs the operations in interleaved rounds, so background load hits every one alike, with a
 * GC before each; round 0 warms up and is dropped. Returns each operation's times in ms.
 */
export async function timeInRounds(operations: TimedOperation[], rounds: number, gc: () => void, onRound?: (round: number) => void): Promise<number[][]> {
  const times = operations.map(() => [] as number[]);
  for (let round = 0; round <= rounds; round++) {
    for (const [i, op] of operations.entries()) {
      gc();
      const start = performance.now();
      await op.run();
      const ms = performance.now() - start;
      if (round > 0) times[i]!.push(ms);
    }
    onRound?.(round);
  }
  return times;
}
