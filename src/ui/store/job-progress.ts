import type { Progress } from '../services/types';

export type JobStatus = 'idle' | 'queued' | 'running' | 'done' | 'error' | 'cancelled';

export interface JobProgress {
  /** 0..1, or null while the phase has no measurable extent. */
  fraction: number | null;
  label: string;
}

export const IDLE_PROGRESS: JobProgress = { fraction: null, label: '' };

/** Folds a core progress event into what the progress bar shows. */
export function progressView(previous: JobProgress, p: Progress): JobProgress {
  switch (p.kind) {
    case 'phase':
      return { fraction: previous.fraction, label: p.phase };
    case 'step':
      return { fraction: p.total > 0 ? p.index / p.total : null, label: p.item ? `${p.phase}: ${p.item}` : p.phase };
    case 'log':
      return previous;
  }
}
