import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { encodeModel } from '../../src/core/onnx/encode';
import { mlp } from '../fixtures/models';
import { studioSession } from './support/studio-session';
import { dropFiles, watchErrors } from './support/page-actions';

const session = studioSession();

async function openStudio(setup?: (context: BrowserContext) => Promise<unknown>): Promise<{ page: Page; errors: string[] }> {
  const context = await session.browser().newContext({ viewport: { width: 1280, height: 900 } });
  await setup?.(context);
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(session.url());
  await page.getByRole('button', { name: 'Try the sample model' }).waitFor();
  return { page, errors };
}

async function compressWith(page: Page, methodId: string, rowLabel: string): Promise<void> {
  await page.getByTestId('recipe-step').first().getByLabel('Method', { exact: true }).selectOption(methodId);
  await page.getByRole('button', { name: /^Compress with / }).click();
  await page.getByTestId('comparison-table').locator(`tbody tr[data-variant="${rowLabel}"]`).getByTestId('cosine').first().waitFor({ timeout: 120_000 });
}

async function measured(page: Page): Promise<void> {
  await expect
    .poll(() => page.getByTestId('comparison-table').locator('tbody tr[data-status="queued"], tbody tr[data-status="running"]').count(), { timeout: 180_000 })
    .toBe(0);
}

/** Every comparison row as the page shows it: its label and its text (sizes, latency, ratios, cosines). */
async function tableRows(page: Page): Promise<[string, string][]> {
  const rows = page.getByTestId('comparison-table').locator('tbody tr');
  const out: [string, string][] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    out.push([(await row.getAttribute('data-variant')) ?? '', (await row.innerText()).replace(/\s+/g, ' ')]);
  }
  return out;
}

interface StoredManifest {
  version: number;
  model: { name: string; sha256: string };
  variants: { label: string }[];
  measurements: Record<string, { status: string }>;
  interrupted: unknown[];
}

/** The manifests the page has stored, read from OPFS, or from IndexedDB where OPFS held none. */
function storedManifests(page: Page): Promise<StoredManifest[]> {
  return page.evaluate(async () => {
    const out: StoredManifest[] = [];
    type Dir = FileSystemDirectoryHandle & { entries(): AsyncIterable<[string, FileSystemHandle]> };
    try {
      const root = await navigator.storage.getDirectory();
      const workspaces = (await root.getDirectoryHandle('workspaces')) as Dir;
      for await (const [, handle] of workspaces.entries()) {
        const file = await (await (handle as FileSystemDirectoryHandle).getFileHandle('manifest.json')).getFile();
        out.push(JSON.parse(await file.text()) as StoredManifest);
      }
    } catch {
      // No OPFS workspace.
    }
    if (out.length > 0) return out;
    const db = await new Promise<IDBDatabase | null>((resolve) => {
      const open = indexedDB.open('featherweight-workspace');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => resolve(null);
    });
    if (!db || !db.objectStoreNames.contains('files')) return out;
    const rows = await new Promise<{ path: string; blob: Blob }[]>((resolve, reject) => {
      const request = db.transaction('files').objectStore('files').getAll();
      request.onsuccess = () => resolve(request.result as { path: string; blob: Blob }[]);
      request.onerror = () => reject(request.error);
    });
    for (const row of rows) if (row.path.endsWith('/manifest.json')) out.push(JSON.parse(await row.blob.text()) as StoredManifest);
    return out;
  }) as Promise<StoredManifest[]>;
}

/** Waits until the stored workspace holds `labels` as its variants with every measurement finished. */
async function savedWith(page: Page, labels: string[]): Promise<void> {
  await expect
    .poll(
      async () => {
        const [m, ...rest] = await storedManifests(page);
        if (!m || rest.length > 0) return `${1 + rest.length} manifests`;
        const pending = Object.values(m.measurements).filter((x) => x.status !== 'done').length;
        return { labels: m.variants.map((v) => v.label), pending, measured: Object.keys(m.measurements).length, interrupted: m.interrupted.length };
      },
      { timeout: 30_000 },
    )
    .toEqual({ labels, pending: 0, measured: labels.length + 1, interrupted: 0 });
}

describe('the workspace, kept on this device', () => {
  it('sample: compress and measure, reload restores it exactly; a bad file keeps it; delete a variant; clear everything', async () => {
    const { page, errors } = await openStudio();
    await page.getByRole('button', { name: 'Try the sample model' }).click();
    await page.getByTestId('summary').waitFor();
    await compressWith(page, 'int8-weight', 'int8-weight');
    await compressWith(page, 'fp16-weight', 'fp16-weight');
    await measured(page);
    await savedWith(page, ['int8-weight', 'fp16-weight']);
    const before = await tableRows(page);
    expect(before.map(([label]) => label)).toEqual(['original', 'int8-weight', 'fp16-weight']);
    console.info(`[workspace e2e] before reload: ${JSON.stringify(before)}`);

    await page.reload();
    await page.getByTestId('comparison-table').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('summary').getByRole('heading', { name: 'paddleocr-cls.onnx' }).isVisible()).toBe(true);
    expect(await tableRows(page)).toEqual(before);
    expect(await page.getByTestId('recipe-step').first().getByLabel('Method', { exact: true }).inputValue()).toBe('fp16-weight');
    const panel = page.getByTestId('storage-panel');
    expect(await panel.innerText()).toMatch(/OPFS/);
    expect(await panel.getByTestId('stored-workspaces').textContent()).toBe('1');
    const stored = await panel.getByTestId('stored-bytes').textContent();
    console.info(`[workspace e2e] after reload, stored: ${stored}, site: ${await panel.getByTestId('site-usage').textContent().catch(() => 'n/a')}`);
    expect(await page.getByRole('alert').count()).toBe(0);

    // A file that is not a model, dropped on the open workspace: its error, and the workspace as it was.
    await dropFiles(page, [{ name: 'garbage.onnx', bytes: Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff) }]);
    const alert = page.getByTestId('error-list').getByRole('alert');
    await alert.waitFor();
    expect(await alert.getAttribute('data-error-name')).toBe('ModelFormatError');
    expect(await page.getByTestId('summary').getByRole('heading', { name: 'paddleocr-cls.onnx' }).isVisible()).toBe(true);
    expect(await tableRows(page)).toEqual(before);
    await alert.getByRole('button', { name: 'Dismiss error' }).click();

    // Removing a variant removes it from storage too: a reload does not bring it back.
    await page.getByRole('button', { name: 'Remove fp16-weight' }).click();
    await savedWith(page, ['int8-weight']);
    await page.reload();
    await page.getByTestId('comparison-table').waitFor({ timeout: 60_000 });
    expect(await tableRows(page)).toEqual(before.slice(0, 2));

    // Clear everything: storage empty, the page back at the start, also after a reload.
    await panel.getByRole('button', { name: 'Clear everything stored…' }).click();
    await panel.getByRole('button', { name: /^Delete all .* and close the workspace$/ }).click();
    await page.getByRole('button', { name: 'Try the sample model' }).waitFor();
    await expect.poll(() => panel.getByTestId('stored-workspaces').textContent()).toBe('0');
    expect(await storedManifests(page)).toEqual([]);
    await page.reload();
    await page.getByRole('button', { name: 'Try the sample model' }).waitFor();
    expect(await page.getByTestId('summary').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('a compression running when the tab is reloaded shows as interrupted after it, and Rerun makes the variant', async () => {
    const { page, errors } = await openStudio();
    await page.getByRole('button', { name: 'Try the sample model' }).click();
    await page.getByTestId('summary').waitFor();
    // int8-static calibrates on the real model first: seconds, long enough to reload in the middle.
    await page.getByTestId('recipe-step').first().getByLabel('Method', { exact: true }).selectOption('int8-static');
    await page.getByRole('button', { name: /^Compress with / }).click();
    await expect
      .poll(async () => ((await storedManifests(page))[0]?.interrupted as { kind: string }[] | undefined)?.map((j) => j.kind), { timeout: 30_000, interval: 50 })
      .toEqual(['compress']);
    await page.reload();
    const job = page.getByTestId('interrupted-job');
    await job.waitFor({ timeout: 60_000 });
    expect(await job.textContent()).toContain('Compressing with int8-static was still running when the page closed');
    expect(await page.getByTestId('comparison').count()).toBe(0);
    await job.getByRole('button', { name: 'Rerun' }).click();
    await page.getByTestId('comparison-table').locator('tbody tr[data-variant="int8-static"]').getByTestId('cosine').first().waitFor({ timeout: 150_000 });
    expect(await page.getByTestId('interrupted-job').count()).toBe(0);
    await measured(page);
    await savedWith(page, ['int8-static']);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('a worker that dies mid-compression is reported in the list, the workspace stays, and the next compression gets a fresh worker', async () => {
    // Keeps each worker the page starts, so the test can fire the error event a crashed worker fires.
    const { page, errors } = await openStudio((context) =>
      context.addInitScript(() => {
        const Original = Worker;
        const made: { worker: Worker; name: string }[] = [];
        (window as unknown as { madeWorkers: typeof made }).madeWorkers = made;
        window.Worker = class extends Original {
          constructor(url: string | URL, options?: WorkerOptions) {
            super(url, options);
            made.push({ worker: this, name: options?.name ?? '' });
          }
        };
      }),
    );
    await page.getByRole('button', { name: 'Try the sample model' }).click();
    await page.getByTestId('summary').waitFor();
    await compressWith(page, 'int8-weight', 'int8-weight');
    await measured(page);
    await page.getByTestId('recipe-step').first().getByLabel('Method', { exact: true }).selectOption('int8-static');
    await page.getByRole('button', { name: /^Compress with / }).click();
    await page.getByRole('button', { name: 'Cancel' }).waitFor();
    const crashed = await page.evaluate(() => {
      const model = (window as unknown as { madeWorkers: { worker: Worker; name: string }[] }).madeWorkers.filter((m) => m.name === 'featherweight-model');
      model.at(-1)?.worker.dispatchEvent(new ErrorEvent('error', { message: 'Out of memory' }));
      return model.length;
    });
    expect(crashed).toBeGreaterThan(0);
    const alert = page.getByTestId('error-list').locator('[data-error-name="WorkerCrashError"]');
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toMatch(/A background worker stopped.*The compression worker stopped unexpectedly \(Out of memory\).*next job starts a fresh worker/);
    expect((await tableRows(page)).map(([label]) => label)).toEqual(['original', 'int8-weight']);
    // The page keeps working: the same compression now runs on a fresh worker.
    await page.getByRole('button', { name: /^Compress with / }).click();
    await page.getByTestId('comparison-table').locator('tbody tr[data-variant="int8-static"]').getByTestId('cosine').first().waitFor({ timeout: 150_000 });
    expect(await page.getByTestId('error-list').locator('[data-error-name="WorkerCrashError"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('a full quota is reported in words when a variant cannot be stored, and a reload brings back what was stored before', async () => {
    // The browser refuses every variant file as a full disk does; the model itself fits.
    const { page, errors } = await openStudio((context) =>
      context.addInitScript(() => {
        const create = FileSystemFileHandle.prototype.createWritable;
        FileSystemFileHandle.prototype.createWritable = function (this: FileSystemFileHandle, ...args: Parameters<typeof create>) {
          if (this.name.endsWith('.onnx') && this.name !== 'model.onnx') return Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
          return create.apply(this, args);
        };
      }),
    );
    await page.getByRole('button', { name: 'Try the sample model' }).click();
    await page.getByTestId('summary').waitFor();
    await expect.poll(async () => (await storedManifests(page)).length, { timeout: 30_000 }).toBe(1);
    await compressWith(page, 'int8-weight', 'int8-weight');
    const alert = page.getByTestId('error-list').locator('[data-error-name="StorageQuotaError"]');
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toMatch(/The storage on this device is full.*the variant int8-weight \(0\.2 MB\) could not be saved\. Everything saved before is kept/);
    // The page keeps the variant; storage keeps the workspace as it was before it.
    expect((await tableRows(page)).map(([label]) => label)).toEqual(['original', 'int8-weight']);
    expect((await storedManifests(page))[0]!.variants).toEqual([]);
    await page.reload();
    await page.getByTestId('summary').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('summary').getByRole('heading', { name: 'paddleocr-cls.onnx' }).isVisible()).toBe(true);
    expect(await page.getByTestId('comparison').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('where OPFS cannot be written, IndexedDB keeps the workspace and a reload restores it', async () => {
    const { page, errors } = await openStudio((context) =>
      context.addInitScript(() => {
        delete (FileSystemFileHandle.prototype as { createWritable?: unknown }).createWritable;
      }),
    );
    await dropFiles(page, [{ name: 'mlp.onnx', bytes: encodeModel(mlp()) }]);
    await page.getByTestId('summary').waitFor();
    await compressWith(page, 'int8-weight', 'int8-weight');
    await measured(page);
    await savedWith(page, ['int8-weight']);
    const before = await tableRows(page);
    await page.reload();
    await page.getByTestId('comparison-table').waitFor({ timeout: 60_000 });
    expect(await tableRows(page)).toEqual(before);
    expect(await page.getByTestId('storage-panel').innerText()).toMatch(/IndexedDB/);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
