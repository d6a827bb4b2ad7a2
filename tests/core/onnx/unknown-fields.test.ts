import { create, toBinary, type Message, type UnknownField } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../../src/core/onnx/decode';
import { encodeModel } from '../../../src/core/onnx/encode';
import {
  FunctionProtoSchema,
  ModelProtoSchema,
  SparseTensorProtoSchema,
  StringStringEntryProtoSchema,
  TensorAnnotationSchema,
  TrainingInfoProtoSchema,
  type ModelProto,
} from '../../../src/core/onnx/schema';
import { graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import { patch } from '../../../src/core/ir/edit';
import { makeFloatTensor, makeInt64Tensor } from '../../../src/core/ir/tensor';
import { seededRandom } from '../../../src/core/util/random';
import { concatBytes, firstDifference } from './byte-helpers';

/** Unknown fields of each wire type, encoded as they appear after their tag. */
const unknown = {
  varint: (no: number, v: bigint): UnknownField => ({ no, wireType: WireType.Varint, data: new BinaryWriter().uint64(v).finish() }),
  fixed64: (no: number, v: bigint): UnknownField => ({ no, wireType: WireType.Bit64, data: new BinaryWriter().fixed64(v).finish() }),
  fixed32: (no: number, v: number): UnknownField => ({ no, wireType: WireType.Bit32, data: new BinaryWriter().fixed32(v).finish() }),
  bytes: (no: number, text: string): UnknownField => ({
    no,
    wireType: WireType.LengthDelimited,
    data: new BinaryWriter().bytes(new TextEncoder().encode(text)).finish(),
  }),
};

function withUnknown<T extends Message>(msg: T, fields: UnknownField[]): T {
  return patch(msg, { $unknown: fields } as Partial<T>);
}

function floats(seed: number, n: number): Float32Array<ArrayBuffer> {
  const rnd = seededRandom(seed);
  return Float32Array.from({ length: n }, () => rnd.normal());
}

const UNKNOWN = {
  model: [unknown.varint(1000, 7n), unknown.bytes(1001, 'model-extension'), unknown.fixed64(1002, 0x0102030405060708n)],
  graph: [unknown.bytes(900, 'graph-extension'), unknown.fixed32(901, 0xdeadbeef)],
  bigTensor: [unknown.varint(700, 123456789n), unknown.bytes(701, 'tensor-extension')],
  smallTensor: [unknown.fixed32(702, 42)],
  constantNode: [unknown.fixed64(600, 99n)],
  matmulNode: [unknown.bytes(601, 'node-extension'), unknown.varint(602, 1n)],
  attribute: [unknown.varint(800, 5n)],
  valueInfo: [unknown.bytes(650, 'value-info-extension')],
};

/**
 * A model exercising fields the core does not model: unknown field numbers at the model,
 * graph, node, attribute, value-info and tensor levels, and rarely used known fields.
 * Tensors of 4 KiB and more go through the encoder's by-reference path, smaller ones
 * through the schema encoder, so both paths meet unknown fields.
 */
function unusualModel(): ModelProto {
  const bigWeight = withUnknown(
    patch(makeFloatTensor('w', [32, 40], floats(1, 32 * 40)), {
      docString: 'a large initializer',
      metadataProps: [create(StringStringEntryProtoSchema, { key: 'origin', value: 'test' })],
    }),
    UNKNOWN.bigTensor,
  );
  const bias = withUnknown(makeFloatTensor('b', [40], floats(2, 40)), UNKNOWN.smallTensor);
  const constantValue = makeFloatTensor('c', [40, 30], floats(3, 40 * 30));
  const constantNode = withUnknown(
    patch(node('Constant', [], ['c'], { value: constantValue }, { name: 'const_c' }), {
      docString: 'weights in a Constant node',
      overload: 'variant-a',
    }),
    UNKNOWN.constantNode,
  );
  const matmul = withUnknown(node('MatMul', ['x', 'w'], ['xw'], {}, { name: 'mm' }), UNKNOWN.matmulNode);
  const add = node('Add', ['xw', 'b'], ['h'], {}, { name: 'add' });
  const gemmLike = patch(node('MatMul', ['h', 'c'], ['y'], {}, { name: 'mm2' }), {});
  const transposeNode = node('Transpose', ['y'], ['yt'], { perm: [1, 0] }, { name: 'transpose' });
  const transposeWithUnknownAttr = patch(transposeNode, { attribute: [withUnknown(transposeNode.attribute[0]!, UNKNOWN.attribute)] });
  const sparse = create(SparseTensorProtoSchema, {
    values: makeFloatTensor('sparse.values', [1100], floats(4, 1100)),
    indices: makeInt64Tensor('sparse.indices', [1100], Array.from({ length: 1100 }, (_, i) => i * 3)),
    dims: [3300n],
  });
  const main = patch(
    graph({
      name: 'unusual',
      inputs: [valueInfo('x', DT.FLOAT, [1, 32])],
      outputs: [valueInfo('yt', DT.FLOAT, [30, 1])],
      initializers: [bigWeight, bias],
      nodes: [constantNode, matmul, add, gemmLike, transposeWithUnknownAttr],
    }),
    {
      docString: 'graph documentation',
      valueInfo: [withUnknown(patch(valueInfo('h', DT.FLOAT, [1, 40]), { docString: 'hidden' }), UNKNOWN.valueInfo)],
      sparseInitializer: [sparse],
      quantizationAnnotation: [
        create(TensorAnnotationSchema, {
          tensorName: 'h',
          quantParameterTensorNames: [{ key: 'SCALE_TENSOR', value: 'h_scale' }],
        }),
      ],
      metadataProps: [create(StringStringEntryProtoSchema, { key: 'graph-key', value: 'graph-value' })],
    },
  );
  const trainingGraph = graph({
    name: 'training_step',
    inputs: [],
    outputs: [valueInfo('lr_out', DT.FLOAT, [])],
    initializers: [makeFloatTensor('momentum', [1200], floats(5, 1200))],
    nodes: [node('Identity', ['lr'], ['lr_out'], {}, { name: 'lr_identity' })],
  });
  const base = model(withUnknown(main, UNKNOWN.graph), { '': 17, 'com.example': 1 });
  return withUnknown(
    patch(base, {
      producerVersion: '9.9.9',
      domain: 'org.example',
      modelVersion: 42n,
      docString: 'model documentation',
      metadataProps: [create(StringStringEntryProtoSchema, { key: 'author', value: 'featherweight tests' })],
      functions: [
        create(FunctionProtoSchema, {
          name: 'Double',
          domain: 'com.example',
          input: ['a'],
          output: ['b'],
          node: [node('Add', ['a', 'a'], ['b'], {}, { name: 'double_add' })],
          opsetImport: [{ domain: '', version: 17n }],
          docString: 'a model-local function',
        }),
      ],
      trainingInfo: [
        create(TrainingInfoProtoSchema, {
          algorithm: trainingGraph,
          updateBinding: [{ key: 'momentum', value: 'lr_out' }],
        }),
      ],
    }),
    UNKNOWN.model,
  );
}

const plain = (fields: UnknownField[] | undefined) => (fields ?? []).map((f) => ({ no: f.no, wireType: f.wireType, data: [...f.data] }));

describe('fields the core does not model survive decode and encode', () => {
  const ir = unusualModel();
  // The reference bytes, from the schema's own encoder (which writes unknown fields last in each message).
  const reference = toBinary(ModelProtoSchema, ir);

  it('the reference bytes carry the model-level unknown fields after the known ones', () => {
    const known = toBinary(ModelProtoSchema, patch(ir, { $unknown: [] }));
    const tail = new BinaryWriter();
    for (const f of UNKNOWN.model) tail.tag(f.no, f.wireType).raw(f.data);
    expect(firstDifference(reference, concatBytes(known, tail.finish()))).toBe(-1);
  });

  it('decodes unknown fields at every level', () => {
    const m = decodeModel(reference);
    const g = m.graph!;
    expect(plain(m.$unknown)).toEqual(plain(UNKNOWN.model));
    expect(plain(g.$unknown)).toEqual(plain(UNKNOWN.graph));
    expect(plain(g.initializer[0]!.$unknown)).toEqual(plain(UNKNOWN.bigTensor));
    expect(plain(g.initializer[1]!.$unknown)).toEqual(plain(UNKNOWN.smallTensor));
    expect(plain(g.node[0]!.$unknown)).toEqual(plain(UNKNOWN.constantNode));
    expect(plain(g.node[1]!.$unknown)).toEqual(plain(UNKNOWN.matmulNode));
    expect(plain(g.node[4]!.attribute[0]!.$unknown)).toEqual(plain(UNKNOWN.attribute));
    expect(plain(g.valueInfo[0]!.$unknown)).toEqual(plain(UNKNOWN.valueInfo));
  });

  it('decodes the rarely used known fields', () => {
    const m = decodeModel(reference);
    const g = m.graph!;
    expect(m.docString).toBe('model documentation');
    expect(m.modelVersion).toBe(42n);
    expect(m.domain).toBe('org.example');
    expect(m.metadataProps.map((e) => [e.key, e.value])).toEqual([['author', 'featherweight tests']]);
    expect(m.functions.map((f) => [f.name, f.domain, f.node.length])).toEqual([['Double', 'com.example', 1]]);
    expect(m.trainingInfo[0]!.algorithm!.initializer[0]!.name).toBe('momentum');
    expect(m.trainingInfo[0]!.updateBinding.map((e) => e.key)).toEqual(['momentum']);
    expect(g.docString).toBe('graph documentation');
    expect(g.valueInfo.map((v) => [v.name, v.docString])).toEqual([['h', 'hidden']]);
    expect(g.sparseInitializer[0]!.dims).toEqual([3300n]);
    expect(g.sparseInitializer[0]!.values!.rawData.byteLength).toBe(1100 * 4);
    expect(g.quantizationAnnotation[0]!.quantParameterTensorNames[0]!.value).toBe('h_scale');
    expect(g.metadataProps[0]!.key).toBe('graph-key');
    expect(g.initializer[0]!.docString).toBe('a large initializer');
    expect(g.node[0]!.overload).toBe('variant-a');
  });

  it('re-encodes the decoded model byte-identically', () => {
    expect(firstDifference(encodeModel(decodeModel(reference)), reference)).toBe(-1);
  });

  it('encodes the hand-built IR exactly as the schema encoder does', () => {
    expect(firstDifference(encodeModel(ir), reference)).toBe(-1);
  });

  it('keeps unknown fields through an immutable edit of an unrelated field', () => {
    const m = decodeModel(reference);
    const g = m.graph!;
    const edited = patch(m, { graph: patch(g, { name: 'renamed', node: g.node.map((n) => (n.name === 'add' ? patch(n, { name: 'bias_add' }) : n)) }) });
    const again = decodeModel(encodeModel(edited));
    expect(again.graph!.name).toBe('renamed');
    expect(again.graph!.node[2]!.name).toBe('bias_add');
    expect(plain(again.$unknown)).toEqual(plain(UNKNOWN.model));
    expect(plain(again.graph!.$unknown)).toEqual(plain(UNKNOWN.graph));
    expect(plain(again.graph!.initializer[0]!.$unknown)).toEqual(plain(UNKNOWN.bigTensor));
    expect(plain(again.graph!.node[1]!.$unknown)).toEqual(plain(UNKNOWN.matmulNode));
    // The input model was not touched by the edit.
    expect(g.name).toBe('unusual');
  });
});
