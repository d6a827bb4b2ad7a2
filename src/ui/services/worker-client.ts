import * as Comlink from 'comlink';
import { AbortError } from '../../core/util/errors';
import { WorkerCrashError, workerEventDetail } from './worker-crash-error';

/**
 * A lazily started worker whose jobs stop when their signal aborts. Aborting a job that is still
 * pending terminates the worker (the only way to stop WASM mid-run), rejects every job pending on
 * it with AbortError, and the next job starts a fresh worker. A signal that aborts after its job
 * settled leaves the worker alone, and a job whose signal is already aborted never starts.
 * A worker that dies on its own (its `error` or `messageerror` event: out of memory, a crash) is
 * dropped too, every job pending on it rejects with WorkerCrashError instead of waiting for an
 * answer that never comes, and the next job starts a fresh worker.
 */
export interface WorkerClient<T> {
  run<R>(signal: AbortSignal, job: (remote: Comlink.Remote<T>) => Promise<R>): Promise<R>;
}

const stopped = (): AbortError => new AbortError('Cancelled: the worker was stopped.');

export function createWorkerClient<T>(spawn: () => Worker, name = ''): WorkerClient<T> {
  let current: { worker: Worker; remote: Comlink.Remote<T> } | undefined;
  /** How to end each pending job early: drop its abort listener and reject it. */
  const pending = new Set<(e: Error) => void>();
  const ensure = (): Comlink.Remote<T> => {
    if (!current) {
      const worker = spawn();
      const died = (event: Event): void => {
        if (current?.worker === worker) terminate(new WorkerCrashError(name, workerEventDetail(event)));
      };
      worker.addEventListener('error', died);
      worker.addEventListener('messageerror', died);
      current = { worker, remote: Comlink.wrap<T>(worker) };
    }
    return current.remote;
  };
  const terminate = (reason: Error = stopped()): void => {
    if (current) {
      current.worker.terminate();
      current = undefined;
    }
    const ends = [...pending];
    pending.clear();
    for (const end of ends) end(reason);
  };
  return {
    run<R>(signal: AbortSignal, job: (remote: Comlink.Remote<T>) => Promise<R>): Promise<R> {
      if (signal.aborted) return Promise.reject(stopped());
      return new Promise<R>((resolve, reject) => {
        let done = false;
        // One listener per job: the same signal may guard several jobs at once.
        const onAbort = (): void => terminate(stopped());
        const finish = (): boolean => {
          if (done) return false;
          done = true;
          pending.delete(end);
          signal.removeEventListener('abort', onAbort);
          return true;
        };
        const end = (e: Error): void => {
          if (finish()) reject(e);
        };
        pending.add(end);
        signal.addEventListener('abort', onAbort, { once: true });
        let started: Promise<R>;
        try {
          started = job(ensure());
        } catch (e) {
          started = Promise.reject(e);
        }
        started.then(
          (value) => {
            if (finish()) resolve(value);
          },
          (error: unknown) => {
            if (finish()) reject(error);
          },
        );
      });
    },
  };
}
