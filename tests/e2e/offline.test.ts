import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { studioSession } from './support/studio-session';
import { watchErrors } from './support/page-actions';
import { compressAndMeasure, evaluateVariants, openSample, variantRow, waitForServiceWorkerControl } from './support/offline-studio';
import { startStaticHost, type StaticHost } from './support/static-server';

const session = studioSession();

/**
 * Offline, the studio's share link opens the read-only report view in a fresh page with the
 * table's latency and size cells as the studio shows them.
 */
async function openReportLinkOffline(page: Page): Promise<void> {
  const cells = async (p: Page) => (await p.getByTestId('comparison-table').locator('tbody tr').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
  await page.getByTestId('report-export').getByRole('button', { name: 'Share link' }).click();
  const link = await page.getByTestId('share-link').inputValue();
  const studioRows = await cells(page);
  const view = await page.context().newPage();
  await view.goto(link);
  await view.getByTestId('report-view').waitFor();
  const figures = (rows: string[]) => rows.map((r) => r.match(/\d[\d.]* (?:KB|MB|ms)/g)?.slice(0, 2));
  expect(figures(await cells(view))).toEqual(figures(studioRows));
  expect(await view.evaluate(() => crossOriginIsolated)).toBe(true);
  await view.close();
}

describe('the studio offline, after one visit', () => {
  it('loads with no network, stays cross-origin isolated, and compresses, measures and evaluates the sample', async () => {
    const context = await session.browser().newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(session.url());
    await page.getByRole('button', { name: 'Try the sample model' }).waitFor();
    await waitForServiceWorkerControl(page);

    // Chromium finds the manifest valid and the studio installable (a test context is incognito,
    // the one thing that keeps it from offering the install here).
    const cdp = await context.newCDPSession(page);
    expect((await cdp.send('Page.getAppManifest')).errors).toEqual([]);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);
    await cdp.detach();

    await context.setOffline(true);
    // The network really is gone for this context: a request the worker does not hold fails.
    expect(await page.evaluate(() => fetch(`/not-precached-${Date.now()}`).then(() => 'answered', () => 'failed'))).toBe('failed');
    const reloaded = await page.reload();
    expect(reloaded?.fromServiceWorker()).toBe(true);
    await page.getByRole('button', { name: 'Try the sample model' }).waitFor();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

    await openSample(page);
    expect(await page.getByTestId('summary').getByRole('heading', { name: 'paddleocr-cls.onnx' }).isVisible()).toBe(true);
    const row = await compressAndMeasure(page, 'int8-weight');
    const cosines = (await row.getByTestId('cosine').allTextContents()).map(Number);
    expect(cosines.length).toBeGreaterThan(0);
    for (const c of cosines) expect(c).toBeGreaterThanOrEqual(0.999);
    expect(await variantRow(page, 'original').locator('[data-metric="latency"]').textContent()).toMatch(/ms/);
    expect(await row.locator('[data-metric="latency"]').textContent()).toMatch(/ms/);
    // WASM ran on threads, which only a cross-origin isolated page gets.
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

    const table = await evaluateVariants(page);
    expect(await table.locator('tbody tr[data-variant="int8-weight"]').count()).toBeGreaterThan(0);
    console.info(`[offline e2e] ${(await page.getByTestId('comparison-table').innerText()).replace(/\s+/g, ' ')}`);

    await openReportLinkOffline(page);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('on a static host that sends no headers', () => {
  let host: StaticHost;
  beforeAll(async () => {
    host = await startStaticHost();
  });
  afterAll(async () => {
    await host?.stop();
  });

  it('the service worker makes the page cross-origin isolated after one reload, and a new version waits for the running job', async () => {
    const context = await session.browser().newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Try the sample model' }).waitFor();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    await waitForServiceWorkerControl(page);

    // The worker now serves the page with COOP/COEP: one reload, offered and never forced, makes it isolated.
    const isolation = page.locator('.update-notice[data-reason="isolation"]');
    await isolation.waitFor();
    await Promise.all([page.waitForEvent('load'), isolation.getByRole('button', { name: 'Reload' }).click()]);
    await page.getByRole('button', { name: 'Try the sample model' }).waitFor();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const headers = await page.evaluate(async () => {
      const r = await fetch('/');
      return ['cross-origin-opener-policy', 'cross-origin-embedder-policy', 'content-security-policy'].map((h) => r.headers.get(h));
    });
    expect(headers.slice(0, 2)).toEqual(['same-origin', 'require-corp']);
    expect(headers[2]).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(await page.locator('.update-notice').count()).toBe(0);

    await openSample(page);
    await compressAndMeasure(page, 'int8-weight');

    // The host deploys a new service worker; the next check finds it and it waits.
    host.deployServiceWorkerChange('\n// the next deploy\n');
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    const update = page.locator('.update-notice[data-reason="update"]');
    await update.waitFor({ timeout: 60_000 });
    // The workspace is kept on the device (OPFS), so the notice does not warn that the reload loses it.
    expect(await update.textContent()).not.toContain('not kept across a reload');
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting != null)).toBe(true);
    // What runs when the page goes away is written down, to read after the reload.
    await page.evaluate(() =>
      window.addEventListener('pagehide', () => sessionStorage.setItem('running-at-unload', String(document.querySelectorAll('tr[data-status="running"], tr[data-status="queued"]').length))),
    );

    // Accepted in the middle of a measurement: the reload waits for it.
    await page.getByRole('button', { name: /^Re-measure all/ }).click();
    await page.locator('tr[data-status="running"], tr[data-status="queued"]').first().waitFor();
    const runningAtAccept = await page.evaluate(() => {
      const running = document.querySelectorAll('tr[data-status="running"], tr[data-status="queued"]').length;
      const button = [...document.querySelectorAll<HTMLButtonElement>('.update-notice button')].find((b) => b.textContent?.startsWith('Reload to update'));
      button?.click();
      return button ? running : -1;
    });
    expect(runningAtAccept).toBeGreaterThan(0);
    await page.waitForEvent('load', { timeout: 180_000 });
    // The workspace comes back from the device after the update's reload.
    await page.getByTestId('summary').waitFor({ timeout: 60_000 });
    expect(await page.evaluate(() => sessionStorage.getItem('running-at-unload'))).toBe('0');
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null)).toBeNull();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});
