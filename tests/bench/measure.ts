/** Timing helpers for `npm run bench`: medians, and a GC to call between runs. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Feeds } from '../../src/core/evaluate/tensor-data';
import type { ModelSession } from '../../src/runtime/types';

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

/**
 * Times `sessions` on the same feeds in interleaved rounds (one untimed warm-up run, then
 * `runsPerRound` timed runs of each session per round), so drift and background load fall on
 * all of them alike; prints the round counter. Returns each session's times in ms, run k of
 * every session in the same round (pairable for a bootstrap).
 */
export async function timeSessionsInRounds(sessions: readonly Pick<ModelSession, 'run'>[], feeds: Feeds, rounds: number, runsPerRound = 3): Promise<number[][]> {
  const times = sessions.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (const [i, s] of sessions.entries()) {
      await s.run(feeds);
      for (let k = 0; k < runsPerRound; k++) {
        const t = performance.now();
        await s.run(feeds);
        times[i]!.push(performance.now() - t);
      }
    }
    process.stdout.write(` ${round + 1}`);
  }
  process.stdout.write('\n\n');
  return times;
}
