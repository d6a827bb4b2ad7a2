/**
 * The ONNX backend test data (Debian's libonnx-testdata) as a conformance corpus: every model
 * decodes, re-encodes byte for byte and analyzes without error. Skipped when it is not installed.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../../src/core/onnx/decode';
import { encodeModel } from '../../../src/core/onnx/encode';
import { analyzeModel } from '../../../src/core/analyze/summary';
import { firstDifference } from './byte-helpers';

const ROOT = '/usr/share/libonnx-testdata/data';
const present = existsSync(ROOT);

function onnxFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return onnxFiles(path);
    return name.endsWith('.onnx') ? [path] : [];
  });
}

describe.skipIf(!present)('the ONNX backend test models', () => {
  const files = present ? onnxFiles(ROOT).sort() : [];

  it('are there in number (the corpus is not silently empty)', () => {
    expect(files.length).toBeGreaterThan(500);
  });

  it('all decode, re-encode byte for byte and analyze', () => {
    const failures: string[] = [];
    for (const file of files) {
      const bytes = new Uint8Array(readFileSync(file));
      try {
        const model = decodeModel(bytes);
        const again = encodeModel(model);
        const at = firstDifference(bytes, again);
        if (at !== -1) failures.push(`${file}: re-encoded bytes differ at ${at}`);
        const summary = analyzeModel(model, bytes.byteLength);
        if (summary.macs.total < 0) failures.push(`${file}: negative MACs ${summary.macs.total}`);
      } catch (e) {
        failures.push(`${file}: ${(e as Error).name}: ${(e as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  }, 600_000);
});
