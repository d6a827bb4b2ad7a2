import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../../src/core/onnx/decode';
import { encodeModel } from '../../../src/core/onnx/encode';
import type { Feeds } from '../../../src/core/evaluate/tensor-data';
import { createNodeRuntime } from '../../../src/runtime/node';
import { firstDifference } from './byte-helpers';
import { fixtureCorpus, ocrCorpus, valueBytes, type CorpusModel } from './model-corpus';

const runtime = createNodeRuntime();

async function runAll(bytes: Uint8Array, feeds: Feeds[]): Promise<Feeds[]> {
  const session = await runtime.createSession(bytes);
  try {
    const out: Feeds[] = [];
    for (const f of feeds) out.push(await session.run(f));
    return out;
  } finally {
    await session.release();
  }
}

describe.each<CorpusModel>([...fixtureCorpus, ...ocrCorpus])('round trip of $name', (entry) => {
  const original = entry.bytes();
  const reencoded = encodeModel(decodeModel(original));

  it('re-encodes byte-identically', () => {
    expect(reencoded.byteLength).toBe(original.byteLength);
    expect(firstDifference(original, reencoded)).toBe(-1);
  });

  it('gives bit-identical outputs in onnxruntime-web on the same seeded inputs', async () => {
    const feeds = entry.feeds(42);
    const before = await runAll(original, feeds);
    const after = await runAll(reencoded, feeds);
    expect(after.length).toBe(before.length);
    before.forEach((outputs, k) => {
      const names = Object.keys(outputs);
      expect(names.length).toBeGreaterThan(0);
      expect(Object.keys(after[k]!)).toEqual(names);
      for (const name of names) {
        const a = outputs[name]!;
        const b = after[k]![name]!;
        expect(b.dtype).toBe(a.dtype);
        expect(b.dims).toEqual(a.dims);
        expect(valueBytes(a).byteLength).toBeGreaterThan(0);
        expect(firstDifference(valueBytes(a), valueBytes(b))).toBe(-1);
      }
    });
  });
});
