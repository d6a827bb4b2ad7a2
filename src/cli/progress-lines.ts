import type { Progress, ProgressCallback } from '../core/util/progress';

/** How often a step counter is reprinted while one phase runs. */
const STEP_EVERY_MS = 1000;

/**
 * Progress as lines on stderr for `--progress`: each phase once when it starts, then its step
 * counter at most once a second, so a long compress shows it is alive (and where Ctrl-C lands).
 */
export function progressLines(write: (line: string) => void): ProgressCallback {
  let phase = '';
  let last = 0;
  return (p: Progress) => {
    if (p.kind === 'log') {
      write(`${p.level === 'warn' ? 'warning' : 'info'}: ${p.message}`);
      return;
    }
    const now = performance.now();
    if (p.phase === phase && (p.kind === 'phase' || now - last < STEP_EVERY_MS)) return;
    phase = p.phase;
    last = now;
    write(p.kind === 'step' ? `progress: ${p.phase} ${p.index + 1}/${p.total}${p.item ? ` (${p.item})` : ''}` : `progress: ${p.phase}`);
  };
}
