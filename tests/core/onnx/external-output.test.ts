import { fromBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../../src/core/onnx/decode';
import { encodeModel } from '../../../src/core/onnx/encode';
import { encodedByteLength, encodeOutput, encodeWithExternalData } from '../../../src/core/onnx/external-output';
import { externalRef } from '../../../src/core/onnx/external-data';
import { ModelProtoSchema, TensorProto_DataLocation } from '../../../src/core/onnx/schema';
import { listWeights } from '../../../src/core/ir/walk';
import { seededRandom } from '../../../src/core/util/random';
import { createNodeRuntime } from '../../../src/runtime/node';
import { runtimeExternalData } from '../../../src/runtime/encoded-session';
import type { ExternalDataInput } from '../../../src/runtime/types';
import { joinPieces, wideMlp } from '../../fixtures/wide-mlp';
import { graph, model as buildModel, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import { makeFloatTensor } from '../../../src/core/ir/tensor';
import { firstDifference } from './byte-helpers';

const MB = 1_000_000;
const runtime = createNodeRuntime();
const rnd = seededRandom(5);
const feeds = { x: { dtype: 'float32' as const, dims: [3, 384], data: Float32Array.from({ length: 3 * 384 }, () => rnd.normal()) } };

async function run(bytes: Uint8Array, externalData?: ExternalDataInput[]): Promise<Float32Array> {
  const session = await runtime.createSession(bytes, externalData ? { externalData } : {});
  try {
    return (await session.run(feeds)).y!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('output encoding with external data', () => {
  const model = wideMlp();
  const inline = encodeModel(model);

  it('stays one self-contained file within the inline limit, byte for byte the plain encoding', () => {
    const out = encodeOutput(model, { inlineLimitBytes: 2 * MB });
    expect(out.external).toBeUndefined();
    expect(firstDifference(out.model, inline)).toBe(-1);
  });

  it('past the limit writes model + one data file: every large initializer by aligned offset, small ones inline', () => {
    expect(inline.byteLength).toBeGreaterThan(MB);
    const out = encodeOutput(model, { inlineLimitBytes: MB, externalLocation: 'wide.onnx.data', minTensorBytes: 4096 });
    const file = out.external!;
    expect(file.location).toBe('wide.onnx.data');
    expect(out.model.byteLength).toBeLessThan(20_000);
    expect(file.pieces.reduce((n, p) => n + p.byteLength, 0)).toBe(file.size);
    expect(encodedByteLength(out)).toBe(out.model.byteLength + file.size);
    // The .onnx half, read without its data file: which tensors point outside, and where.
    const refs = listWeights(fromBinary(ModelProtoSchema, out.model)).filter((w) => w.tensor.dataLocation === TensorProto_DataLocation.EXTERNAL);
    expect(refs.map((w) => w.name)).toEqual(['fc0.weight', 'fc1.weight', 'fc2.weight']);
    let end = 0;
    for (const w of refs) {
      const ref = externalRef(w.tensor);
      expect(ref.location).toBe('wide.onnx.data');
      expect(ref.offset % 4096).toBe(0);
      expect(ref.offset).toBeGreaterThanOrEqual(end);
      expect(ref.length).toBe(384 * 384 * 4);
      end = ref.offset + ref.length!;
    }
    expect(file.size).toBe(end);
  });

  it('reloads with its data file to the same weights, and runs in onnxruntime-web with outputs equal to the inline model', async () => {
    const out = encodeOutput(model, { inlineLimitBytes: MB, externalLocation: 'wide.onnx.data' });
    const data = joinPieces(out.external!.pieces);
    const reloaded = decodeModel(out.model, { externalFiles: new Map([['wide.onnx.data', data]]) });
    const original = listWeights(model);
    expect(listWeights(reloaded).map((w) => w.name)).toEqual(original.map((w) => w.name));
    for (const w of listWeights(reloaded)) expect(firstDifference(w.tensor.rawData, original.find((o) => o.name === w.name)!.tensor.rawData)).toBe(-1);
    const expected = await run(inline);
    const got = await run(out.model, runtimeExternalData(out));
    expect(got.length).toBe(expected.length);
    expect(got.every((v, i) => v === expected[i])).toBe(true);
  });

  it('never modifies the model it encodes', () => {
    const before = encodeModel(model);
    encodeWithExternalData(model, { externalLocation: 'x.data' });
    expect(firstDifference(encodeModel(model), before)).toBe(-1);
  });

  it('keeps the initializers of If branches inline (onnxruntime-web cannot take their external data), and the model still runs', async () => {
    const r = seededRandom(8);
    const weight = (name: string) => makeFloatTensor(name, [64, 64], Float32Array.from({ length: 64 * 64 }, () => r.normal() * 0.1));
    const branch = (name: string) =>
      graph({ name, initializers: [weight(`${name}.w`)], nodes: [node('MatMul', ['x', `${name}.w`], [`${name}.y`], {}, { name: `${name}.mm` })], inputs: [], outputs: [valueInfo(`${name}.y`, DT.FLOAT, [2, 64])] });
    const withIf = buildModel(
      graph({
        inputs: [valueInfo('x', DT.FLOAT, [2, 64]), valueInfo('flag', DT.BOOL, [])],
        outputs: [valueInfo('z', DT.FLOAT, [2, 64])],
        initializers: [weight('main.w')],
        nodes: [
          node('If', ['flag'], ['y'], { then_branch: branch('then'), else_branch: branch('else') }, { name: 'if' }),
          node('MatMul', ['y', 'main.w'], ['z'], {}, { name: 'main.mm' }),
        ],
      }),
    );
    const out = encodeWithExternalData(withIf, { externalLocation: 'if.data' });
    const refs = listWeights(fromBinary(ModelProtoSchema, out.model)).filter((w) => w.tensor.dataLocation === TensorProto_DataLocation.EXTERNAL);
    expect(refs.map((w) => `${w.graphPath}:${w.name}`)).toEqual([':main.w']);
    const x = { dtype: 'float32' as const, dims: [2, 64], data: Float32Array.from({ length: 128 }, () => r.normal()) };
    for (const flag of [true, false]) {
      const inputs = { x, flag: { dtype: 'bool' as const, dims: [], data: Uint8Array.of(flag ? 1 : 0) } };
      const runOf = async (bytes: Uint8Array, externalData?: ExternalDataInput[]) => {
        const session = await runtime.createSession(bytes, externalData ? { externalData } : {});
        try {
          return (await session.run(inputs)).z!.data as Float32Array;
        } finally {
          await session.release();
        }
      };
      const expected = await runOf(encodeModel(withIf));
      const got = await runOf(out.model, runtimeExternalData(out));
      expect(got.every((v, i) => v === expected[i])).toBe(true);
    }
  });

  it('refuses a location that would leave the output folder', () => {
    expect(() => encodeWithExternalData(model, { externalLocation: '../x.data' })).toThrow(/escapes the model's folder/);
  });
});

