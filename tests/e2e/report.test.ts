import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';

import type { Locator, Page } from 'playwright-core';
import { deflateSync } from 'fflate';
import { encodeModel } from '../../src/core/onnx/encode';
import { analyzeModel } from '../../src/core/analyze/summary';
import { buildReport, encodeReportData, reportFromJsonText, reportToJson, REPORT_ROUTE, type Report } from '../../src/core/report';
import { toBase64Url } from '../../src/core/report/share-link';
import { formatBytes, formatMs, formatNumber } from '../../src/core/util/format';
import { sha256Hex } from '../../src/core/util/sha256';
import { mlp } from '../fixtures/models';
import { studioSession } from './support/studio-session';
import { dropFiles, watchErrors } from './support/page-actions';

const session = studioSession();

/** The studio's address for a report link's data. */
const linkTo = (data: string): string => new URL(`${REPORT_ROUTE}${data}`, session.url()).href;

async function newPage(): Promise<{ page: Page; errors: string[]; workers: () => number }> {
  const context = await session.browser().newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  let workers = 0;
  page.on('worker', () => (workers += 1));
  return { page, errors, workers: () => workers };
}

function variantRow(page: Page, label: string): Locator {
  return page.getByTestId('comparison-table').locator(`tbody tr[data-variant="${label}"]`);
}

async function compressWith(page: Page, methodId: string): Promise<void> {
  await page.getByTestId('recipe-step').first().getByLabel('Method', { exact: true }).selectOption(methodId);
  await page.getByRole('button', { name: /^Compress with / }).click();
  await page.getByTestId('comparison').waitFor();
  await variantRow(page, methodId).getByTestId('cosine').first().waitFor({ timeout: 150_000 });
}

async function measured(page: Page): Promise<void> {
  await expect
    .poll(() => page.getByTestId('comparison-table').locator('tbody tr[data-status="queued"], tbody tr[data-status="running"]').count(), { timeout: 180_000 })
    .toBe(0);
}

async function download(page: Page, button: string): Promise<{ name: string; text: string }> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-export').getByRole('button', { name: button }).click()]);
  return { name: d.suggestedFilename(), text: await readFile((await d.path())!, 'utf8') };
}

/** What the comparison table shows for one row, as text. */
async function rowCells(page: Page, label: string): Promise<{ size: string; latency: string; cosine: string[] }> {
  const row = variantRow(page, label);
  return {
    size: (await row.locator('[data-metric="size"]').textContent())!.trim(),
    latency: (await row.locator('[data-metric="latency"]').textContent())!.trim(),
    cosine: await row.getByTestId('cosine').allTextContents(),
  };
}

/** The table cells a report's figures give, formatted as the table formats them. */
function expectedCells(report: Report, label: string): { size: string; latency: string; cosine: string[] } {
  const variant = report.variants.find((v) => v.label === label);
  const fig = label === 'original' ? report.original : variant!;
  const fidelity = variant?.fidelity?.outputs ?? [];
  return { size: formatBytes(fig.sizeBytes), latency: formatMs(fig.latency[0]!.p50), cosine: fidelity.map((o) => formatNumber(o.cosine, 5)) };
}

function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trim().split('\r\n').map((l) => l.split(','));
  return lines.map((l) => Object.fromEntries(header!.map((h, i) => [h, l[i] ?? ''])));
}

const METHODS = ['int8-weight', 'fp16-weight', 'int8-dynamic'];

describe('reports', () => {
  it('share round trip: a report built in one context opens from its link in a fresh one with the exported JSON’s numbers; CSV equals the table', async () => {
    const a = await newPage();
    await a.page.goto(session.url());
    await a.page.getByRole('button', { name: 'Try the sample model' }).click();
    await a.page.getByTestId('summary').waitFor();
    for (const m of METHODS) await compressWith(a.page, m);
    await measured(a.page);

    const json = await download(a.page, 'Export JSON');
    expect(json.name).toBe('paddleocr-cls.report.json');
    const report = reportFromJsonText(json.text);
    expect(report.variants.map((v) => v.label)).toEqual(METHODS);
    expect(report.model.fileName).toBe('paddleocr-cls.onnx');

    // The exported CSV holds the figures of the table on the page.
    const csv = parseCsv((await download(a.page, 'Export CSV')).text);
    expect(csv.map((r) => r.model)).toEqual(['Original', ...METHODS]);
    for (const [i, label] of ['original', ...METHODS].entries()) {
      const cells = await rowCells(a.page, label);
      const line = csv[i]!;
      expect(formatBytes(Number(line.size_bytes))).toBe(cells.size);
      expect(formatMs(Number(line.median_ms))).toBe(cells.latency);
      if (label !== 'original') expect([formatNumber(Number(line['softmax_0.tmp_0 cosine']), 5)]).toEqual(cells.cosine);
      expect(expectedCells(report, label)).toEqual(cells);
    }

    await a.page.getByTestId('report-export').getByRole('button', { name: 'Share link' }).click();
    const link = await a.page.getByTestId('share-link').inputValue();
    console.info(`[report e2e] three-variant share link: ${link.length} characters; report JSON ${json.text.length} bytes (indented)`);
    expect(link.length).toBeLessThan(4096);
    expect(link.startsWith(linkTo(''))).toBe(true);
    expect(a.errors).toEqual([]);
    await a.page.context().close();

    // A fresh context: no storage, no model; only the link.
    const b = await newPage();
    await b.page.goto(link);
    await b.page.getByTestId('report-view').waitFor();
    for (const label of ['original', ...METHODS]) expect(await rowCells(b.page, label)).toEqual(expectedCells(report, label));
    expect(await b.page.getByTestId('report-sha256').textContent()).toContain(report.model.sha256);

    // Each chart saves as SVG (the recharts drawing, page colours resolved) and as PNG (drawn on a canvas).
    const chart = b.page.locator('.exportable-chart').first();
    const [svg] = await Promise.all([b.page.waitForEvent('download'), chart.getByRole('button', { name: 'SVG' }).click()]);
    expect(svg.suggestedFilename()).toBe('paddleocr-cls.size-latency.svg');
    const svgText = await readFile((await svg.path())!, 'utf8');
    expect(svgText).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svgText).not.toContain('var(--');
    const [png] = await Promise.all([b.page.waitForEvent('download'), chart.getByRole('button', { name: 'PNG' }).click()]);
    expect(png.suggestedFilename()).toBe('paddleocr-cls.size-latency.png');
    const pngBytes = await readFile((await png.path())!);
    expect([...pngBytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);

    // The exported file re-imports into the same view.
    await b.page.getByRole('button', { name: 'Back to the studio' }).click();
    await b.page.getByRole('button', { name: 'Try the sample model' }).waitFor();
    await b.page.getByTestId('import-report').setInputFiles({ name: json.name, mimeType: 'application/json', buffer: Buffer.from(json.text) });
    await b.page.getByTestId('report-view').waitFor();
    for (const label of ['original', ...METHODS]) expect(await rowCells(b.page, label)).toEqual(expectedCells(report, label));
    expect(b.errors).toEqual([]);
    await b.page.context().close();
  });

  it('each hostile link class ends on the error view, with nothing run', async () => {
    const bytes = encodeModel(mlp());
    const good = buildReport({ createdAt: new Date(), model: { fileName: 'mlp.onnx', sha256: await sha256Hex(bytes), summary: analyzeModel(mlp(), bytes.byteLength) }, variants: [] });
    const deflated = (text: string) => toBase64Url(deflateSync(new TextEncoder().encode(text)));
    const absurd = JSON.parse(reportToJson(good)) as { original: { sizeBytes: number } };
    absurd.original.sizeBytes = 1e300;
    const cases: [string, string][] = [
      ['base64', 'not*base64'],
      ['deflate', toBase64Url(new Uint8Array([0xff, 0xee, 0xdd, 0xcc, 0xbb]))],
      ['too-large', toBase64Url(deflateSync(new Uint8Array(16 << 20).fill(123), { level: 9 }))],
      ['json', deflated('<script>window.__ran = 1</script>')],
      ['schema', deflated('{"format":"featherweight-report","version":2,"steps":[]}')],
      ['schema', deflated(JSON.stringify(absurd))],
      ['version', deflated('{"format":"featherweight-report","version":99}')],
    ];
    const { page, errors, workers } = await newPage();
    for (const [reason, data] of cases) {
      await page.goto(linkTo(data));
      const view = page.getByTestId('report-error');
      await view.waitFor();
      expect(await view.getAttribute('data-reason')).toBe(reason);
      expect(await page.evaluate(() => (window as unknown as { __ran?: number }).__ran)).toBeUndefined();
    }
    // A valid report whose strings are markup shows them as text: no element, link or handler comes from it.
    const markup = '<img src=x onerror="window.__ran=1"><a href="javascript:window.__ran=2">x</a>';
    const hostile: Report = { ...good, model: { ...good.model, fileName: markup }, original: { ...good.original, label: markup } };
    await page.goto(linkTo(encodeReportData(hostile)));
    await page.getByTestId('report-view').waitFor();
    expect(await page.getByTestId('report-view').locator('img, a[href], [onerror]').count()).toBe(0);
    expect(await page.getByTestId('report-view').textContent()).toContain(markup);
    expect(await page.evaluate(() => (window as unknown as { __ran?: number }).__ran)).toBeUndefined();
    expect(workers()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('open this model to reproduce: another model is refused with the reason, the same one reruns the recipe', async () => {
    const bytes = encodeModel(mlp());
    const report = buildReport({
      createdAt: new Date(),
      model: { fileName: 'mlp.onnx', sha256: await sha256Hex(bytes), summary: analyzeModel(mlp(), bytes.byteLength) },
      variants: [{ label: 'int8-weight', recipe: { steps: [{ method: 'int8-weight', options: {} }] }, sizeBytes: 1 }],
    });
    const { page, errors } = await newPage();
    await page.goto(linkTo(encodeReportData(report)));
    await page.getByTestId('report-view').waitFor();
    const other = encodeModel(mlp(7));
    // Dropped anywhere on the report view, as in the studio.
    await dropFiles(page, [{ name: 'other.onnx', bytes: other }]);
    await page.getByTestId('reproduce-refused').waitFor();
    expect(await page.getByTestId('reproduce-refused').textContent()).toMatch(/other\.onnx has SHA-256 .* a different model/);
    await page.getByTestId('reproduce-model').setInputFiles({ name: 'mlp.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
    await page.getByTestId('summary').waitFor();
    await variantRow(page, 'int8-weight').getByTestId('cosine').first().waitFor({ timeout: 150_000 });
    expect(Number(await variantRow(page, 'int8-weight').getByTestId('cosine').first().textContent())).toBeGreaterThan(0.99);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

