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

/**
 * The long tasks recorded so far. The observer's entries arrive some time after their task (later
 * still on a busy machine), so this waits until no new one has come for three checks in a row.
 */
export async function readLongTasks(page: Page): Promise<LongTask[]> {
  return page.evaluate(async () => {
    const tasks = () => window.__featherweightLongTasks ?? [];
    let seen = -1;
    for (let stable = 0, i = 0; stable < 3 && i < 40; i++) {
      await new Promise((r) => setTimeout(r, 100));
      stable = tasks().length === seen ? stable + 1 : 0;
      seen = tasks().length;
    }
    return [...tasks()];
  });
}

/** Forgets the tasks recorded so far, so a phase of the test can be measured on its own. */
export async function clearLongTasks(page: Page): Promise<void> {
  await page.evaluate(() => window.__featherweightLongTasks?.splice(0));
}

export function longest(tasks: readonly LongTask[]): number {
  return tasks.reduce((m, t) => Math.max(m, t.durationMs), 0);
}
