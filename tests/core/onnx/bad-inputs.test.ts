import { create, toBinary } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../../src/core/onnx/decode';
import { encodeModel } from '../../../src/core/onnx/encode';
import { ModelProtoSchema, OperatorSetIdProtoSchema } from '../../../src/core/onnx/schema';
import { patch } from '../../../src/core/ir/edit';
import { FeatherweightError } from '../../../src/core/util/errors';
import { seededRandom } from '../../../src/core/util/random';
import { mlp } from '../../fixtures/models';
import { concatBytes } from './byte-helpers';
import { OCR_CLS, readOcrModel } from './model-corpus';

const text = (s: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(s);
const bytesOf = (...values: number[]): Uint8Array<ArrayBuffer> => Uint8Array.from(values);

function randomBytes(seed: number, length: number): Uint8Array<ArrayBuffer> {
  const rnd = seededRandom(seed);
  return Uint8Array.from({ length }, () => rnd.int(0, 256));
}

function u64(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  return out;
}

/** A ZIP local file header for an uncompressed entry named `name`, then its data. */
function zipEntry(name: string, data: Uint8Array): Uint8Array<ArrayBuffer> {
  const header = new Uint8Array(30);
  const dv = new DataView(header.buffer);
  dv.setUint32(0, 0x04034b50, true);
  dv.setUint16(4, 20, true);
  dv.setUint32(18, data.byteLength, true);
  dv.setUint32(22, data.byteLength, true);
  dv.setUint16(26, name.length, true);
  return concatBytes(header, text(name), data);
}

/** A SavedModel protobuf: schema version 1, one MetaGraphDef with a 'serving_default' signature. */
function savedModel(): Uint8Array<ArrayBuffer> {
  const signature = new BinaryWriter().tag(1, WireType.LengthDelimited).string('serving_default').tag(2, WireType.LengthDelimited).bytes(bytesOf(0x0a, 0x00)).finish();
  const metaGraph = new BinaryWriter().tag(5, WireType.LengthDelimited).bytes(signature).finish();
  return new BinaryWriter().tag(1, WireType.Varint).int64(1).tag(2, WireType.LengthDelimited).bytes(metaGraph).finish();
}

const mlpBytes = encodeModel(mlp());
const cut = (source: Uint8Array<ArrayBuffer>, length: number) => source.slice(0, length);
const TRUNCATED = 'looks truncated';

interface BadInput {
  label: string;
  bytes: () => Uint8Array<ArrayBuffer>;
  kind: 'ModelFormatError';
  fragment: string;
  detectedFormat?: string;
}

const corpus: BadInput[] = [
  { label: 'an empty file', bytes: () => new Uint8Array(0), kind: 'ModelFormatError', fragment: 'The file is empty' },
  ...[1, 2, 3].map((seed) => ({
    label: `random bytes (seed ${seed})`,
    bytes: () => randomBytes(seed, 1024),
    kind: 'ModelFormatError' as const,
    fragment: 'not an ONNX model at all',
  })),
  ...[1, 0.1, 0.5, 0.9, -1].map((at) => ({
    label: `the mlp fixture truncated at ${at}`,
    bytes: () => cut(mlpBytes, at === -1 ? mlpBytes.byteLength - 1 : at < 1 ? Math.floor(mlpBytes.byteLength * at) : at),
    kind: 'ModelFormatError' as const,
    fragment: TRUNCATED,
  })),
  {
    label: 'the mlp fixture cut right after its header',
    bytes: () => cut(mlpBytes, 2),
    kind: 'ModelFormatError',
    fragment: 'holds no ONNX graph',
  },
  {
    label: 'the PaddleOCR classifier cut in half',
    bytes: () => {
      const cls = readOcrModel(OCR_CLS);
      return cut(cls, cls.byteLength >> 1);
    },
    kind: 'ModelFormatError',
    fragment: TRUNCATED,
  },
  {
    label: 'a TFLite flatbuffer',
    bytes: () => concatBytes(bytesOf(0x1c, 0, 0, 0), text('TFL3'), new Uint8Array(64)),
    kind: 'ModelFormatError',
    fragment: 'TensorFlow Lite',
    detectedFormat: 'TFLite',
  },
  {
    label: 'an ORT format model',
    bytes: () => concatBytes(bytesOf(0x18, 0, 0, 0), text('ORTM'), new Uint8Array(64)),
    kind: 'ModelFormatError',
    fragment: '.ort file',
    detectedFormat: 'ORT format',
  },
  {
    label: 'a PyTorch zip checkpoint',
    bytes: () => concatBytes(zipEntry('archive/data.pkl', bytesOf(0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e)), zipEntry('archive/version', text('3\n'))),
    kind: 'ModelFormatError',
    fragment: 'torch.onnx.export',
    detectedFormat: 'PyTorch zip',
  },
  {
    label: 'a plain zip archive',
    bytes: () => zipEntry('model.onnx', mlpBytes),
    kind: 'ModelFormatError',
    fragment: 'Unpack it',
    detectedFormat: 'ZIP archive',
  },
  {
    label: 'a PyTorch pickle',
    bytes: () => bytesOf(0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e),
    kind: 'ModelFormatError',
    fragment: 'PyTorch checkpoint',
    detectedFormat: 'PyTorch pickle',
  },
  {
    label: 'a safetensors file',
    bytes: () => {
      const header = text('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}');
      return concatBytes(u64(header.byteLength), header, new Uint8Array(4));
    },
    kind: 'ModelFormatError',
    fragment: 'safetensors',
    detectedFormat: 'safetensors',
  },
  {
    label: 'a GGUF file',
    bytes: () => concatBytes(text('GGUF'), bytesOf(3, 0, 0, 0), u64(0), u64(0)),
    kind: 'ModelFormatError',
    fragment: 'llama.cpp',
    detectedFormat: 'GGUF',
  },
  {
    label: 'a Keras HDF5 file',
    bytes: () => concatBytes(bytesOf(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a), new Uint8Array(64)),
    kind: 'ModelFormatError',
    fragment: 'Keras HDF5',
    detectedFormat: 'Keras HDF5',
  },
  {
    label: 'a TensorFlow SavedModel',
    bytes: savedModel,
    kind: 'ModelFormatError',
    fragment: 'tf2onnx',
    detectedFormat: 'TensorFlow SavedModel',
  },
  {
    label: 'a NumPy .npy array',
    bytes: () => concatBytes(bytesOf(0x93), text("NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }"), new Uint8Array(16)),
    kind: 'ModelFormatError',
    fragment: 'NumPy',
    detectedFormat: 'NumPy array',
  },
  {
    label: 'JSON text',
    bytes: () => text('{"irVersion": 8, "graph": {}}'),
    kind: 'ModelFormatError',
    fragment: 'text file',
    detectedFormat: 'JSON or text',
  },
  {
    label: 'an HTML page saved instead of the model',
    bytes: () => text('<!DOCTYPE html><html><body>Not found</body></html>'),
    kind: 'ModelFormatError',
    fragment: 'text file',
    detectedFormat: 'JSON or text',
  },
  {
    label: 'a Git LFS pointer',
    bytes: () => text('version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 4745517\n'),
    kind: 'ModelFormatError',
    fragment: 'git lfs pull',
    detectedFormat: 'Git LFS pointer',
  },
  {
    label: 'an ONNX ModelProto with no graph',
    bytes: () =>
      toBinary(
        ModelProtoSchema,
        create(ModelProtoSchema, { irVersion: 8n, producerName: 'x', opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: 17n })] }),
      ),
    kind: 'ModelFormatError',
    fragment: 'holds no ONNX graph',
  },
  {
    label: 'a model declaring ir_version 0',
    bytes: () => encodeModel(patch(mlp(), { irVersion: 0n })),
    kind: 'ModelFormatError',
    fragment: 'IR version 0',
  },
  {
    label: 'a model with no ir_version at all',
    bytes: () => {
      const m = mlp();
      const { irVersion: _drop, ...rest } = m;
      return encodeModel(Object.assign(Object.create(Object.getPrototypeOf(m) as object) as typeof m, rest));
    },
    kind: 'ModelFormatError',
    fragment: 'IR version 0',
  },
  {
    label: 'a model whose weight holds fewer bytes than its shape needs',
    bytes: () => {
      const m = mlp();
      const g = m.graph!;
      return encodeModel(patch(m, { graph: patch(g, { initializer: g.initializer.map((t, i) => (i === 1 ? patch(t, { dims: [129n] }) : t)) }) }));
    },
    kind: 'ModelFormatError',
    fragment: "Tensor 'fc1.bias' (float32, shape [129]) should hold 516 bytes of raw data but holds 512",
  },
  {
    label: 'a model whose weight has a negative dimension',
    bytes: () => {
      const m = mlp();
      const g = m.graph!;
      return encodeModel(patch(m, { graph: patch(g, { initializer: g.initializer.map((t, i) => (i === 1 ? patch(t, { dims: [-128n] }) : t)) }) }));
    },
    kind: 'ModelFormatError',
    fragment: 'negative dimension',
  },
];

function decodeFailure(bytes: Uint8Array<ArrayBuffer>): FeatherweightError & { detectedFormat?: string } {
  try {
    decodeModel(bytes);
  } catch (e) {
    if (e instanceof FeatherweightError) return e;
    throw new Error(`expected a FeatherweightError, got ${String(e)}`, { cause: e });
  }
  throw new Error('expected decodeModel to fail, but it returned a model');
}

describe('bad inputs give typed errors that say what they are', () => {
  it.each(corpus)('$label', ({ bytes, kind, fragment, detectedFormat }) => {
    const error = decodeFailure(bytes());
    expect(error.name).toBe(kind);
    expect(error.message).toContain(fragment);
    expect(error.detectedFormat).toBe(detectedFormat);
  });

  it('a valid ONNX model that mentions serving_default (as tf2onnx conversions do) is not taken for a SavedModel', () => {
    const m = mlp();
    const g = m.graph!;
    const renamed = patch(m, { graph: patch(g, { docString: 'converted by tf2onnx from signature serving_default' }) });
    expect(decodeModel(encodeModel(renamed)).graph!.docString).toContain('serving_default');
  });
});
