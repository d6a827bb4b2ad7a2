/**
 * Runs async jobs one after another, in the order they were queued. The studio puts every
 * compression and every measurement through one queue, so a benchmark never shares the CPU with
 * a compression (its timings would be wrong) and the bench worker times one model at a time.
 */
export interface SerialQueue {
  run<T>(job: () => Promise<T>): Promise<T>;
  /** Jobs queued or running. */
  readonly size: number;
}

export function createSerialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  let size = 0;
  return {
    run<T>(job: () => Promise<T>): Promise<T> {
      size += 1;
      const result = tail.then(job).finally(() => {
        size -= 1;
      });
      tail = result.catch(() => undefined);
      return result;
    },
    get size() {
      return size;
    },
  };
}
