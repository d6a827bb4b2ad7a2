import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../../src/core/onnx/decode';
import { encodeModel } from '../../../src/core/onnx/encode';
import { safeRelativeLocation } from '../../../src/core/onnx/external-data';
import { StringStringEntryProtoSchema, TensorProto_DataLocation } from '../../../src/core/onnx/schema';
import { patch } from '../../../src/core/ir/edit';
import { listWeights } from '../../../src/core/ir/walk';
import type { ModelIR } from '../../../src/core/ir/model';
import { ExternalDataError } from '../../../src/core/util/errors';
import { createNodeRuntime } from '../../../src/runtime/node';
import { mlp, mlpWithExternalData } from '../../fixtures/models';
import { firstDifference } from './byte-helpers';
import { valueBytes } from './model-corpus';
import { seededRandom } from '../../../src/core/util/random';

/** The external-data MLP with the external_data entries of `tensorName` replaced. */
function withEntries(m: ModelIR, tensorName: string, entries: Record<string, string>): ModelIR {
  const g = m.graph!;
  const externalData = Object.entries(entries).map(([key, value]) => create(StringStringEntryProtoSchema, { key, value }));
  return patch(m, { graph: patch(g, { initializer: g.initializer.map((t) => (t.name === tensorName ? patch(t, { externalData }) : t)) }) });
}

function decodeError(run: () => unknown): ExternalDataError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ExternalDataError);
    expect((e as Error).name).toBe('ExternalDataError');
    return e as ExternalDataError;
  }
  throw new Error('expected an ExternalDataError, but decoding succeeded');
}

describe('external data', () => {
  const { model, files } = mlpWithExternalData();
  const bytes = encodeModel(model);
  const data = files.get('mlp.weights.bin')!;

  it('the fixture really keeps its matrices outside the model file', () => {
    expect(bytes.byteLength).toBeLessThan(data.byteLength);
    const external = listWeights(model).filter((w) => w.tensor.dataLocation === TensorProto_DataLocation.EXTERNAL);
    expect(external.map((w) => w.name)).toEqual(['fc1.weight', 'fc2.weight']);
  });

  it('decodes with a Map of files, the weights being views into the data file', () => {
    const decoded = decodeModel(bytes, { externalFiles: files });
    const weights = listWeights(decoded);
    for (const name of ['fc1.weight', 'fc2.weight']) {
      const t = weights.find((w) => w.name === name)!.tensor;
      expect(t.dataLocation).toBe(TensorProto_DataLocation.DEFAULT);
      expect(t.externalData).toEqual([]);
      expect(t.rawData.buffer).toBe(data.buffer);
    }
    expect(weights.find((w) => w.name === 'fc1.bias')!.tensor.rawData.buffer).toBe(bytes.buffer);
  });

  it('decodes with a lookup function, asked only for the normalised location', () => {
    const asked: string[] = [];
    const decoded = decodeModel(bytes, {
      externalFiles: (location) => {
        asked.push(location);
        return files.get(location);
      },
    });
    expect(new Set(asked)).toEqual(new Set(['mlp.weights.bin']));
    expect(listWeights(decoded).find((w) => w.name === 'fc2.weight')!.tensor.rawData.buffer).toBe(data.buffer);
  });

  it('runs in onnxruntime-web exactly like the self-contained mlp(4), for both ways of supplying files', async () => {
    const runtime = createNodeRuntime();
    const rnd = seededRandom(9);
    const feeds = { x: { dtype: 'float32' as const, dims: [2, 64], data: Float32Array.from({ length: 128 }, () => rnd.normal()) } };
    const run = async (m: ModelIR) => {
      const session = await runtime.createSession(encodeModel(m));
      try {
        return (await session.run(feeds)).y!;
      } finally {
        await session.release();
      }
    };
    const expected = await run(mlp(4));
    for (const externalFiles of [files, (loc: string) => files.get(loc)]) {
      const got = await run(decodeModel(bytes, { externalFiles }));
      expect(got.dims).toEqual([2, 32]);
      expect(firstDifference(valueBytes(got), valueBytes(expected))).toBe(-1);
    }
  });

  it('a missing data file is an ExternalDataError naming the file', () => {
    for (const externalFiles of [undefined, new Map<string, Uint8Array<ArrayBuffer>>(), () => undefined]) {
      const error = decodeError(() => decodeModel(bytes, externalFiles ? { externalFiles } : {}));
      expect(error.message).toContain("'mlp.weights.bin'");
      expect(error.message).toContain('not supplied');
    }
  });

  it('a data file too short for the tensor is an ExternalDataError', () => {
    const short = new Map([['mlp.weights.bin', data.slice(0, data.byteLength - 4)]]);
    const error = decodeError(() => decodeModel(bytes, { externalFiles: short }));
    expect(error.message).toContain('fc2.weight');
    expect(error.message).toContain(`has ${data.byteLength - 4} bytes`);
  });

  it.each([
    ['an offset past the end', { offset: String(data.byteLength + 8), length: '16' }, 'has'],
    ['a length past the end', { offset: '0', length: String(data.byteLength + 1) }, 'has'],
    ['a negative offset', { offset: '-4', length: '16' }, 'non-negative whole number'],
    ['a non-numeric length', { offset: '0', length: 'lots' }, 'non-negative whole number'],
    ['an empty offset', { offset: '', length: '16' }, 'non-negative whole number'],
  ])('%s is an ExternalDataError', (_label, range, fragment) => {
    const m = withEntries(model, 'fc1.weight', { location: 'mlp.weights.bin', ...range });
    const error = decodeError(() => decodeModel(encodeModel(m), { externalFiles: files }));
    expect(error.message).toContain('fc1.weight');
    expect(error.message).toContain(fragment);
  });

  it('a range that fits the file but not the tensor shape is a format error, not a silent misread', () => {
    const m = withEntries(model, 'fc1.weight', { location: 'mlp.weights.bin', offset: '0', length: '64' });
    expect(() => decodeModel(encodeModel(m), { externalFiles: files })).toThrow(/should hold 32768 bytes of raw data but holds 64/);
  });

  it('without a length the tensor takes the bytes its shape needs', () => {
    const m = withEntries(model, 'fc1.weight', { location: 'mlp.weights.bin', offset: '0' });
    const t = listWeights(decodeModel(encodeModel(m), { externalFiles: files })).find((w) => w.name === 'fc1.weight')!.tensor;
    expect(t.rawData.byteLength).toBe(128 * 64 * 4);
  });

  it.each([
    ['../x.bin', 'escapes'],
    ['/etc/passwd', 'absolute'],
    ['C:\\x', 'absolute'],
    ['c:/weights.bin', 'absolute'],
    ['a/../../x', 'escapes'],
    ['..\\..\\x.bin', 'escapes'],
    ['./', 'names no file'],
  ])('location %s is rejected (%s)', (location, fragment) => {
    const ext = mlpWithExternalData(4, location);
    const error = decodeError(() => decodeModel(encodeModel(ext.model), { externalFiles: () => data }));
    expect(error.message).toContain(location);
    expect(error.message).toContain(fragment);
  });

  it('a location is normalised before it is looked up: a/./b/../c.bin is a/c.bin', () => {
    expect(safeRelativeLocation('a/./b/../c.bin')).toBe('a/c.bin');
    expect(safeRelativeLocation('dir\\sub\\w.bin')).toBe('dir/sub/w.bin');
    const ext = mlpWithExternalData(4, 'a/./b/../c.bin');
    const asked: string[] = [];
    const decoded = decodeModel(encodeModel(ext.model), {
      externalFiles: (location) => {
        asked.push(location);
        return location === 'a/c.bin' ? data : undefined;
      },
    });
    expect(new Set(asked)).toEqual(new Set(['a/c.bin']));
    expect(listWeights(decoded).find((w) => w.name === 'fc1.weight')!.tensor.rawData.buffer).toBe(data.buffer);
    const viaMap = decodeModel(encodeModel(ext.model), { externalFiles: new Map([['a/c.bin', data]]) });
    expect(listWeights(viaMap).find((w) => w.name === 'fc2.weight')!.tensor.rawData.buffer).toBe(data.buffer);
  });
});
