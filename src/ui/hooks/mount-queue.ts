/**
 * Mounts heavy parts of the page (charts) one at a time, each in its own task, so that a store
 * update which brings several of them onto the page at once never blocks the main thread for the
 * sum of their costs. A part calls `done` once its subtree has committed; the next one starts
 * in a later task, after the browser has had a chance to paint and handle input.
 */
export interface MountTicket {
  /** The part has committed: let the next one start. */
  done(): void;
  /** The part left the page before (or while) mounting. */
  cancel(): void;
}

interface Job {
  start: () => void;
  state: 'waiting' | 'mounting' | 'finished';
}

const queue: Job[] = [];
let active: Job | null = null;
let stall: ReturnType<typeof setTimeout> | undefined;

/** A part that never reports back (an error boundary caught it, say) must not hold the queue. */
const STALL_MS = 1000;

function finish(job: Job): void {
  if (job.state === 'finished') return;
  const wasActive = job === active;
  job.state = 'finished';
  if (!wasActive) {
    const at = queue.indexOf(job);
    if (at >= 0) queue.splice(at, 1);
    return;
  }
  active = null;
  clearTimeout(stall);
  setTimeout(next, 0);
}

function next(): void {
  if (active) return;
  const job = queue.shift();
  if (!job) return;
  active = job;
  job.state = 'mounting';
  stall = setTimeout(() => finish(job), STALL_MS);
  job.start();
}

export function requestMount(start: () => void): MountTicket {
  const job: Job = { start, state: 'waiting' };
  queue.push(job);
  if (!active) setTimeout(next, 0);
  return { done: () => finish(job), cancel: () => finish(job) };
}
