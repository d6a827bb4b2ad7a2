import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';

/**
 * Waits until the studio's service worker controls the page. Workbox claims the page when the
 * worker activates, which happens only after its install has stored the whole precache, so from
 * here on the studio can load with no network.
 */
export async function waitForServiceWorkerControl(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 120_000 });
}

export function variantRow(page: Page, label: string): Locator {
  return page.getByTestId('comparison-table').locator(`tbody tr[data-variant="${label}"]`);
}

/** Opens the bundled sample model and waits for its summary. */
export async function openSample(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Try the sample model' }).click();
  await page.getByTestId('summary').waitFor({ timeout: 60_000 });
}

/** Compresses with `methodId` as the only step and waits until the variant is measured and compared. */
export async function compressAndMeasure(page: Page, methodId: string): Promise<Locator> {
  await page.getByTestId('recipe-step').first().getByLabel('Method', { exact: true }).selectOption(methodId);
  await page.getByRole('button', { name: /^Compress with / }).click();
  const row = variantRow(page, methodId);
  await row.getByTestId('cosine').first().waitFor({ timeout: 120_000 });
  await expect
    .poll(() => page.getByTestId('comparison-table').locator('tbody tr[data-status="queued"], tbody tr[data-status="running"]').count(), { timeout: 180_000 })
    .toBe(0);
  return row;
}

/** Evaluates every variant (on seeded inputs when no samples are given) and waits for the table. */
export async function evaluateVariants(page: Page): Promise<Locator> {
  const evaluation = page.getByTestId('evaluation');
  await evaluation.getByRole('button', { name: /^Evaluate \d+ variants?$/ }).click();
  const table = evaluation.getByTestId('accuracy-table');
  await table.locator('tbody tr').first().waitFor({ timeout: 120_000 });
  return table;
}
