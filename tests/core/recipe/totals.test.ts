import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { GZIP_CHUNK_BYTES, gzipSize, modelTotals } from '../../../src/core/recipe/totals';
import { encodeModel } from '../../../src/core/onnx/encode';
import { analyzeModel } from '../../../src/core/analyze/summary';
import { storedBytes } from '../../../src/core/methods/stored-bytes';
import type { Progress } from '../../../src/core/util/progress';
import { mlp } from '../../fixtures/models';

/** Bytes that compress partly: a seeded walk, so runs repeat across the chunk boundaries. */
function walk(length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  let x = 7;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 29 === 0 ? x >>> 24 : out[Math.max(0, i - 64)]!;
  }
  return out;
}

describe('model totals', () => {
  it('measures parameters, MACs, stored bytes and the gzip size of the encoded model', async () => {
    const model = mlp();
    const bytes = encodeModel(model);
    const totals = await modelTotals(model, bytes);
    expect(totals).toEqual({
      parameters: analyzeModel(model, bytes.byteLength).params,
      macs: analyzeModel(model, bytes.byteLength).macs.total,
      storedBytes: storedBytes(model),
      gzipBytes: gzipSync(bytes, { level: 6 }).byteLength,
    });
    expect(totals.macs).toBeGreaterThan(0);
  });

  it('gives a chunked gzip size within 0.1% of one-shot gzip, reporting progress', async () => {
    const data = walk(GZIP_CHUNK_BYTES * 2 + 12345);
    const events: Progress[] = [];
    const size = await gzipSize(data, { onProgress: (p) => events.push(p) });
    const oneShot = gzipSync(data, { level: 6 }).byteLength;
    expect(Math.abs(size - oneShot)).toBeLessThanOrEqual(oneShot * 0.001);
    expect(size).toBeLessThan(data.byteLength);
    expect(events).toEqual([0, 1, 2].map((index) => ({ kind: 'step', phase: 'gzip size', index, total: 3 })));
  });

  it('stops between chunks when cancelled', async () => {
    const controller = new AbortController();
    const run = gzipSize(walk(GZIP_CHUNK_BYTES * 3), { signal: controller.signal, onProgress: (p) => p.kind === 'step' && p.index === 1 && controller.abort() });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });
});
