import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../../src/core/onnx/decode';
import { encodeModel } from '../../../src/core/onnx/encode';
import { listWeights, type WeightRef } from '../../../src/core/ir/walk';
import { makeRawTensor, readFloat32 } from '../../../src/core/ir/tensor';
import { DT } from '../../../src/core/ir/dtype';
import { constantsInIf, convBnRelu, mlp } from '../../fixtures/models';
import { OCR_CLS, readOcrModel } from './model-corpus';

/** Asserts every raw weight payload is a view into `source`'s buffer lying inside `source`. */
function expectViews(weights: WeightRef[], source: Uint8Array): void {
  const raw = weights.filter((w) => w.tensor.rawData.byteLength > 0);
  expect(raw.length).toBeGreaterThan(0);
  for (const { tensor } of raw) {
    expect(tensor.rawData.buffer).toBe(source.buffer);
    expect(tensor.rawData.byteOffset).toBeGreaterThanOrEqual(source.byteOffset);
    expect(tensor.rawData.byteOffset + tensor.rawData.byteLength).toBeLessThanOrEqual(source.byteOffset + source.byteLength);
  }
}

describe('decoded weights are views into the source bytes', () => {
  it('for graph initializers', () => {
    const bytes = encodeModel(mlp());
    const weights = listWeights(decodeModel(bytes));
    expect(weights.map((w) => w.source)).toEqual(['initializer', 'initializer', 'initializer', 'initializer']);
    expectViews(weights, bytes);
  });

  it('for Constant nodes inside If subgraphs', () => {
    const bytes = encodeModel(constantsInIf());
    const weights = listWeights(decodeModel(bytes));
    expect(weights.map((w) => [w.source, w.graphPath])).toEqual([
      ['constant', '/branch.then_branch'],
      ['constant', '/branch.else_branch'],
    ]);
    expectViews(weights, bytes);
  });

  it('for the Constant nodes of a real PaddleOCR model', () => {
    const bytes = readOcrModel(OCR_CLS);
    const weights = listWeights(decodeModel(bytes));
    expect(weights.every((w) => w.source === 'constant')).toBe(true);
    expectViews(weights, bytes);
  });

  it('when the model bytes are a subarray of a larger buffer', () => {
    const inner = encodeModel(convBnRelu());
    const outer = new Uint8Array(inner.byteLength + 64);
    outer.set(inner, 32);
    const bytes = outer.subarray(32, 32 + inner.byteLength);
    expectViews(listWeights(decodeModel(bytes)), bytes);
  });

  it('so writing into the source buffer shows through the decoded weights (no copy was made)', () => {
    const bytes = encodeModel(mlp());
    const weight = listWeights(decodeModel(bytes)).find((w) => w.name === 'fc1.weight')!;
    const raw = weight.tensor.rawData;
    // Overwrite the first float of fc1.weight in the source buffer with 1.0f.
    new DataView(bytes.buffer, raw.byteOffset, 4).setFloat32(0, 1, true);
    expect(readFloat32(weight.tensor)[0]).toBe(1);
  });
});

describe('readFloat32 on misaligned raw data', () => {
  it('reads the right values from a Node Buffer in a shared pool, at an odd offset', () => {
    const values = Float32Array.from([1.5, -2.25, 3.125, 1e-3]);
    const pool = Buffer.alloc(64, 0xee);
    Buffer.from(values.buffer).copy(pool, 5);
    const raw = pool.subarray(5, 5 + 16);
    const tensor = makeRawTensor('w', DT.FLOAT, [4], raw as unknown as Uint8Array<ArrayBuffer>);
    expect(Array.from(readFloat32(tensor))).toEqual(Array.from(values));
  });
});
