/** Progress of a long call, as a small tagged union that crosses worker boundaries as plain data. */
export type Progress =
  | { kind: 'phase'; phase: string }
  | { kind: 'step'; phase: string; index: number; total: number; item?: string }
  | { kind: 'log'; level: 'info' | 'warn'; message: string };

export type ProgressCallback = (p: Progress) => void;

/** Options every long-running core function accepts. */
export interface LongCallOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}
