import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { studioSession } from './support/studio-session';
import { watchErrors } from './support/page-actions';
import { compressAndMeasure, evaluateVariants, openSample, waitForServiceWorkerControl } from './support/offline-studio';

const session = studioSession();

/** Records CSP violations the page reports (events on the document, and the console lines workers log for theirs). */
async function watchPolicyViolations(page: Page): Promise<() => Promise<string[]>> {
  const fromConsole: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) fromConsole.push(`console: ${m.text()}`);
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'}`));
  });
  return async () => [...(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)), ...fromConsole];
}

describe('privacy: nothing leaves the origin', () => {
  it('every request of a full session is same-origin, and the Content-Security-Policy is never violated', async () => {
    const context = await session.browser().newContext({ viewport: { width: 1280, height: 900 } });
    const origin = new URL(session.url()).origin;
    // The context sees the requests of the page, its workers and the service worker alike.
    const requests: string[] = [];
    context.on('request', (r) => requests.push(r.url()));
    const page = await context.newPage();
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    const errors = watchErrors(page);
    const violations = await watchPolicyViolations(page);

    const landing = await page.goto(session.url());
    const policy = (await landing?.allHeaders())?.['content-security-policy'] ?? '';
    expect(policy).toContain("default-src 'self'");
    expect(policy).not.toMatch(/'unsafe-inline'|'unsafe-eval'|https?:|\*/);
    expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')).toContain("script-src 'self' 'wasm-unsafe-eval'");
    await waitForServiceWorkerControl(page);

    await openSample(page);
    await compressAndMeasure(page, 'int8-weight');
    await page.getByRole('button', { name: /^Re-measure all/ }).click();
    await expect
      .poll(() => page.getByTestId('comparison-table').locator('tbody tr[data-status="queued"], tbody tr[data-status="running"]').count(), { timeout: 180_000 })
      .toBe(0);
    await evaluateVariants(page);
    // The page reloaded under the service worker runs the same session again, served from its cache.
    await page.reload();
    // The workspace comes back from the device's storage; a second variant is made on it.
    await page.getByTestId('summary').waitFor({ timeout: 60_000 });
    await compressAndMeasure(page, 'fp16-weight');

    expect(requests.length).toBeGreaterThan(10);
    const foreign = requests.filter((u) => new URL(u).origin !== origin);
    expect(foreign).toEqual([]);
    expect(sockets).toEqual([]);
    expect(await violations()).toEqual([]);
    console.info(`[privacy e2e] ${requests.length} requests, all to ${origin}: ${[...new Set(requests.map((u) => new URL(u).pathname))].join(' ')}`);

    // The policy is enforced, not only sent: an inline script and a request to another origin are refused.
    const inlineRan = await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.head.append(s);
      return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
    });
    expect(inlineRan).toBe(false);
    const remote = await page.evaluate(() => fetch('https://example.com/').then(() => 'answered', (e: Error) => e.name));
    expect(remote).toBe('TypeError');
    // Each is reported once per policy that forbids it: the header's and the <meta>'s.
    await expect.poll(async () => [...new Set((await violations()).filter((v) => !v.startsWith('console:')))]).toEqual([
      'script-src-elem blocked inline',
      'connect-src blocked https://example.com/',
    ]);
    expect(requests.filter((u) => new URL(u).origin !== origin)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
