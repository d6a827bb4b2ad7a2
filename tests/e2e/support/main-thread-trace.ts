import type { Browser, Page } from 'playwright-core';

export interface MainThreadTask {
  /** Wall-clock length in ms, what a long-task observer reports. */
  wallMs: number;
  /** CPU time the renderer's main thread spent in it, in ms: the page's own work, whatever else the machine runs. */
  cpuMs: number;
  /** ms since the trace started. */
  atMs: number;
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/**
 * Records a Chromium trace of the page's main thread while `during` runs and returns each of its
 * tasks over `minWallMs`, with wall and CPU time. On a machine shared with other work the wall time
 * of a task stretches with the time the thread waited for a core; its CPU time does not.
 */
export async function traceMainThread(browser: Browser, page: Page, during: () => Promise<void>, minWallMs = 50): Promise<MainThreadTask[]> {
  await browser.startTracing(page, { categories: ['toplevel', 'disabled-by-default-devtools.timeline'] });
  let buffer: Buffer;
  try {
    await during();
  } finally {
    buffer = await browser.stopTracing();
  }
  const events = (JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  // Each task is recorded twice (the scheduler's and the timeline's view); the scheduler's is the outer one.
  const tasks = events.filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && mains.has(`${e.pid}:${e.tid}`));
  const start = Math.min(...events.filter((e) => e.ts > 0).map((e) => e.ts));
  return tasks
    .filter((e) => (e.dur ?? 0) / 1000 >= minWallMs)
    .map((e) => ({ wallMs: (e.dur ?? 0) / 1000, cpuMs: (e.tdur ?? e.dur ?? 0) / 1000, atMs: (e.ts - start) / 1000 }));
}

export function describeTasks(tasks: readonly MainThreadTask[]): string {
  return tasks.map((t) => `${t.wallMs.toFixed(0)} ms (${t.cpuMs.toFixed(0)} ms CPU) at ${(t.atMs / 1000).toFixed(1)} s`).join(', ') || 'none';
}
