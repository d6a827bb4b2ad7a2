import type { Page } from 'playwright-core';

export interface LongTask {
  startMs: number;
  durationMs: number;
}

declare global {
  interface Window {
    __featherweightLongTasks?: LongTask[];
  }
}

/**
 * Starts recording the page's long tasks (main-thread tasks over 50 ms, as Chromium's long-task
 * observer reports them) from its first script on, for every page the context opens.
 */
export async function recordLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const tasks: { startMs: number; durationMs: number }[] = [];
    (window as unknown as { __featherweightLongTasks: typeof tasks }).__featherweightLongTasks = tasks;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) tasks.push({ startMs: e.startTime, durationMs: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
}

/** The long tasks recorded so far, after the observer has had a frame to deliver pending entries. */
export async function readLongTasks(page: Page): Promise<LongTask[]> {
  return page.evaluate(
    () =>
      new Promise<LongTask[]>((resolve) => {
        requestAnimationFrame(() => setTimeout(() => resolve([...(window.__featherweightLongTasks ?? [])]), 0));
      }),
  );
}

/** Forgets the tasks recorded so far, so a phase of the test can be measured on its own. */
export async function clearLongTasks(page: Page): Promise<void> {
  await page.evaluate(() => window.__featherweightLongTasks?.splice(0));
}

export function longest(tasks: readonly LongTask[]): number {
  return tasks.reduce((m, t) => Math.max(m, t.durationMs), 0);
}
