import type { Progress } from '../services/types';

/** How far a timed run has come: runs done of runs planned (every model once per run) and the time left. */
export interface BenchProgress {
  runsDone: number;
  runsPlanned: number;
  /** Estimated from the timed runs so far; null until one has finished. */
  etaMs: number | null;
}

/**
 * Turns the interleaved benchmark's step events into BenchProgress for `models` models timed
 * `runs` times each. Loading and warm-up steps count as no run; the estimate extrapolates the
 * time the timed runs have taken so far over the ones left.
 */
export function benchProgressTracker(models: number, runs: number, now: () => number): (p: Progress) => BenchProgress {
  let steps = 0;
  let startedAt: number | null = null;
  const planned = Math.max(1, models) * runs;
  return (p) => {
    if (p.kind === 'step' && p.phase === 'run') {
      const t = now();
      startedAt ??= t;
      steps += 1;
      // Step k's time is known once step k+1 starts: the first one only marks the start.
      const timed = steps - 1;
      const etaMs = timed > 0 ? ((t - startedAt) / timed) * (planned - timed) : null;
      return { runsDone: Math.floor(timed / Math.max(1, models)), runsPlanned: runs, etaMs };
    }
    return { runsDone: Math.floor(Math.max(0, steps - 1) / Math.max(1, models)), runsPlanned: runs, etaMs: null };
  };
}

/** "Timed run 4 of 50 · about 12 s left" (the time once known). */
export function benchProgressLabel(p: BenchProgress): string {
  const left = p.etaMs === null ? '' : ` · about ${p.etaMs < 1000 ? 'a second' : `${Math.round(p.etaMs / 1000)} s`} left`;
  return `${p.runsDone} of ${p.runsPlanned} timed runs done${left}`;
}
