/**
 * A worker that stopped on its own (out of memory, a crash in WASM, a script that failed to load):
 * every job pending on it fails with this, and the next job starts a fresh worker.
 */
export class WorkerCrashError extends Error {
  override readonly name = 'WorkerCrashError';
  constructor(
    /** What the worker does, in words: `compression`, `measurement`. */
    readonly worker: string,
    /** What the browser said, when it said anything. */
    readonly detail: string,
  ) {
    super(
      `The ${worker || 'background'} worker stopped unexpectedly${detail ? ` (${detail})` : ''}; it may have run out of memory. The page keeps working: the next job starts a fresh worker.`,
    );
  }
}

/** The browser's words for a worker's error or messageerror event. */
export function workerEventDetail(event: Event): string {
  const message = (event as ErrorEvent).message;
  if (typeof message === 'string' && message) return message;
  return event.type === 'messageerror' ? 'a message from it could not be read' : '';
}
