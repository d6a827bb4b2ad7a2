/**
 * Hostile and malformed models built in code, each with the typed error the decoder must give
 * and the exit code the CLI must give for it. Shared by the core test (decode) and the CLI test
 * (inspect on files written to disk, symbolic links included).
 */
import { create } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import {
  OperatorSetIdProtoSchema,
  StringStringEntryProtoSchema,
  type TensorProto,
} from '../../../src/core/onnx/schema';
import { encodeModel } from '../../../src/core/onnx/encode';
import { patch } from '../../../src/core/ir/edit';
import { DT } from '../../../src/core/ir/dtype';
import { makeRawTensor } from '../../../src/core/ir/tensor';
import type { ModelIR } from '../../../src/core/ir/model';
import type { FeatherweightErrorName } from '../../../src/core/util/errors';
import { constantsInIf, mlp, mlpWithExternalData } from '../../fixtures/models';
import { concatBytes } from './byte-helpers';

export interface HostileModel {
  label: string;
  /** The .onnx file's bytes. */
  bytes: () => Uint8Array<ArrayBuffer>;
  /** Files beside the model, by relative path. */
  files?: () => Map<string, Uint8Array<ArrayBuffer>>;
  /**
   * Symbolic links beside the model: relative path -> target. A target starting with
   * 'outside:' points into a folder next to (not inside) the model's folder.
   */
  links?: Record<string, string>;
  /** Only meaningful on disk (links): the core-only test skips it. */
  diskOnly?: boolean;
  error: FeatherweightErrorName;
  /** What the message must say (it names the tensor or the file). */
  message: RegExp;
  exitCode: number;
}

/** The mlp fixture with one initializer replaced. */
function withInitializer(name: string, change: (t: TensorProto) => TensorProto, base: ModelIR = mlp()): Uint8Array<ArrayBuffer> {
  const g = base.graph!;
  return encodeModel(patch(base, { graph: patch(g, { initializer: g.initializer.map((t) => (t.name === name ? change(t) : t)) }) }));
}

/** The mlp fixture with an extra initializer (unused by any node). */
function withExtra(t: TensorProto): Uint8Array<ArrayBuffer> {
  const base = mlp();
  const g = base.graph!;
  return encodeModel(patch(base, { graph: patch(g, { initializer: [...g.initializer, t] }) }));
}

const noRaw = { rawData: new Uint8Array(0) };
const blank = (name: string, dataType: number, dims: number[]): TensorProto => makeRawTensor(name, dataType, dims, new Uint8Array(0));

/** A TensorProto field appended to an encoded initializer: protobuf's last-wins rule lets us set any varint. */
function withRawTensorField(name: string, field: number, value: number): Uint8Array<ArrayBuffer> {
  const extra = new BinaryWriter().tag(field, WireType.Varint).uint32(value).finish();
  const base = mlp();
  const g = base.graph!;
  const target = g.initializer.find((t) => t.name === name)!;
  const bytes = encodeModel(patch(base, { graph: patch(g, { initializer: g.initializer.filter((t) => t !== target) }) }));
  // The initializer by hand (dims 1, data_type 2, name 8, raw_data 9), then the extra field inside it.
  const tensorBytes = new BinaryWriter();
  for (const d of target.dims) tensorBytes.tag(1, WireType.Varint).int64(d);
  tensorBytes.tag(2, WireType.Varint).int32(target.dataType);
  tensorBytes.tag(8, WireType.LengthDelimited).string(target.name);
  tensorBytes.tag(9, WireType.LengthDelimited).bytes(target.rawData);
  const inner = concatBytes(tensorBytes.finish(), extra);
  const graphField = new BinaryWriter().tag(5, WireType.LengthDelimited).bytes(inner).finish();
  // A second ModelProto.graph field (7) merges into the first, adding the initializer (GraphProto.initializer is 5).
  return concatBytes(bytes, new BinaryWriter().tag(7, WireType.LengthDelimited).bytes(graphField).finish());
}

const external = mlpWithExternalData();
const externalBytes = (m: ModelIR = external.model): Uint8Array<ArrayBuffer> => encodeModel(m);

/** The external-data mlp with fc1.weight's location changed. */
function externalAt(location: string): Uint8Array<ArrayBuffer> {
  const g = external.model.graph!;
  return encodeModel(
    patch(external.model, {
      graph: patch(g, {
        initializer: g.initializer.map((t) =>
          t.name !== 'fc1.weight'
            ? t
            : patch(t, { externalData: t.externalData.map((e) => (e.key === 'location' ? create(StringStringEntryProtoSchema, { key: 'location', value: location }) : e)) }),
        ),
      }),
    }),
  );
}

const dataFile = (): Map<string, Uint8Array<ArrayBuffer>> => new Map(external.files);

export const HOSTILE_MODELS: HostileModel[] = [
  {
    label: 'float_data with more values than the dims say',
    bytes: () => withInitializer('fc1.bias', (t) => patch(t, { ...noRaw, floatData: new Array(129).fill(0.5) })),
    error: 'ModelFormatError',
    message: /Tensor 'fc1\.bias' \(float32, shape \[128\]\) should hold 128 values in float_data but holds 129/,
    exitCode: 3,
  },
  {
    label: 'float_data with fewer values than the dims say',
    bytes: () => withInitializer('fc2.bias', (t) => patch(t, { ...noRaw, floatData: [1, 2, 3] })),
    error: 'ModelFormatError',
    message: /Tensor 'fc2\.bias' .*should hold 32 values in float_data but holds 3/,
    exitCode: 3,
  },
  {
    label: 'int64_data not matching its dims',
    bytes: () => withExtra(patch(blank('shape', DT.INT64, [2]), { int64Data: [1n, 2n, 3n] })),
    error: 'ModelFormatError',
    message: /Tensor 'shape' \(int64, shape \[2\]\) should hold 2 values in int64_data but holds 3/,
    exitCode: 3,
  },
  {
    label: 'int32_data not matching its dims',
    bytes: () => withExtra(patch(blank('idx', DT.INT32, [4, 4]), { int32Data: [1] })),
    error: 'ModelFormatError',
    message: /Tensor 'idx' \(int32, shape \[4, 4\]\) should hold 16 values in int32_data but holds 1/,
    exitCode: 3,
  },
  {
    label: 'float16 bits in int32_data, one short',
    bytes: () => withExtra(patch(blank('half', DT.FLOAT16, [3]), { int32Data: [0x3c00, 0x3c00] })),
    error: 'ModelFormatError',
    message: /Tensor 'half' \(float16, shape \[3\]\) should hold 3 values in int32_data but holds 2/,
    exitCode: 3,
  },
  {
    label: 'double_data not matching its dims',
    bytes: () => withExtra(patch(blank('d', DT.DOUBLE, [2]), { doubleData: [1] })),
    error: 'ModelFormatError',
    message: /Tensor 'd' \(float64, shape \[2\]\) should hold 2 values in double_data but holds 1/,
    exitCode: 3,
  },
  {
    label: 'uint64_data not matching its dims',
    bytes: () => withExtra(patch(blank('u', DT.UINT64, [1]), { uint64Data: [1n, 2n] })),
    error: 'ModelFormatError',
    message: /Tensor 'u' \(uint64, shape \[1\]\) should hold 1 values in uint64_data but holds 2/,
    exitCode: 3,
  },
  {
    label: 'string_data not matching its dims',
    bytes: () => withExtra(patch(blank('labels', DT.STRING, [3]), { stringData: [new Uint8Array([0x61])] })),
    error: 'ModelFormatError',
    message: /Tensor 'labels' \(string, shape \[3\]\) should hold 3 strings but holds 1/,
    exitCode: 3,
  },
  {
    label: 'values in the typed field of another dtype',
    bytes: () => withInitializer('fc2.bias', (t) => patch(t, { ...noRaw, int64Data: new Array(32).fill(1n) })),
    error: 'ModelFormatError',
    message: /Tensor 'fc2\.bias' \(float32\) holds values in int64_data; expected raw_data or float_data/,
    exitCode: 3,
  },
  {
    label: 'both raw_data and float_data',
    bytes: () => withInitializer('fc2.bias', (t) => patch(t, { floatData: new Array(32).fill(1) })),
    error: 'ModelFormatError',
    message: /Tensor 'fc2\.bias' holds both raw_data and float_data/,
    exitCode: 3,
  },
  {
    label: 'empty raw_data with non-zero dims',
    bytes: () => withInitializer('fc1.weight', (t) => patch(t, noRaw)),
    error: 'ModelFormatError',
    message: /Tensor 'fc1\.weight' \(float32, shape \[128, 64\]\) holds no data; expected 32768 bytes of raw_data/,
    exitCode: 3,
  },
  {
    label: 'raw_data one byte short',
    bytes: () => withInitializer('fc1.bias', (t) => patch(t, { rawData: t.rawData.slice(0, t.rawData.byteLength - 1) })),
    error: 'ModelFormatError',
    message: /Tensor 'fc1\.bias' \(float32, shape \[128\]\) should hold 512 bytes of raw data but holds 511/,
    exitCode: 3,
  },
  {
    label: 'dims whose product overflows',
    bytes: () => withInitializer('fc1.bias', (t) => patch(t, { dims: [1n << 32n, 1n << 32n] })),
    error: 'ModelFormatError',
    message: /Tensor 'fc1\.bias' declares shape \[4294967296, 4294967296\], 18446744073709551616 elements/,
    exitCode: 3,
  },
  {
    label: 'a negative dim',
    bytes: () => withInitializer('fc1.bias', (t) => patch(t, { dims: [-128n] })),
    error: 'ModelFormatError',
    message: /Tensor 'fc1\.bias' declares shape \[-128\] with a negative dimension/,
    exitCode: 3,
  },
  {
    label: 'a huge dim with a small payload (the "1073741824 TiB" case)',
    bytes: () => withInitializer('fc1.bias', (t) => patch(t, { dims: [1n << 40n, 128n] })),
    error: 'ModelFormatError',
    message: /Tensor 'fc1\.bias' \(float32, shape \[1099511627776, 128\]\) should hold 562949953421312 bytes of raw data but holds 512/,
    exitCode: 3,
  },
  {
    label: 'an unknown data_location',
    bytes: () => withRawTensorField('fc2.bias', 14, 5),
    error: 'ModelFormatError',
    message: /Tensor 'fc2\.bias' has data_location 5; expected 0 \(DEFAULT\) or 1 \(EXTERNAL\)/,
    exitCode: 3,
  },
  {
    label: 'an unknown data type code',
    bytes: () => withExtra(makeRawTensor('odd', 99, [1], new Uint8Array(4))),
    error: 'ModelFormatError',
    message: /Tensor 'odd' has data type code 99, which is not an ONNX tensor type/,
    exitCode: 3,
  },
  {
    label: 'a Constant node whose value is short',
    bytes: () => {
      const base = constantsInIf();
      const g = base.graph!;
      // The If's then-branch holds a Constant with the weights: cut its payload.
      const node = g.node.map((n) =>
        n.opType !== 'If'
          ? n
          : patch(n, {
              attribute: n.attribute.map((a) =>
                !a.g
                  ? a
                  : patch(a, {
                      g: patch(a.g, {
                        node: a.g.node.map((c) =>
                          c.opType !== 'Constant' ? c : patch(c, { attribute: c.attribute.map((ca) => (ca.t ? patch(ca, { t: patch(ca.t, { rawData: ca.t.rawData.slice(0, 8) }) }) : ca)) }),
                        ),
                      }),
                    }),
              ),
            }),
      );
      return encodeModel(patch(base, { graph: patch(g, { node }) }));
    },
    error: 'ModelFormatError',
    message: /Tensor 'then_w' \(the value of Constant node 'then_const' in subgraph '\/branch.then_branch'\) \(float32, shape \[16, 24\]\) should hold 1536 bytes of raw data but holds 8/,
    exitCode: 3,
  },
  {
    label: 'a subgraph under an attribute that does not say it holds a graph (found by the fuzz)',
    bytes: () => {
      const base = constantsInIf();
      const g = base.graph!;
      const node = g.node.map((n) => (n.opType !== 'If' ? n : patch(n, { attribute: n.attribute.map((a) => (a.name === 'then_branch' ? patch(a, { type: 0 }) : a)) })));
      return encodeModel(patch(base, { graph: patch(g, { node }) }));
    },
    error: 'ModelFormatError',
    message: /The attribute 'then_branch' of node 'branch' holds a graph but declares type 0; expected type 5 \(GRAPH\)/,
    exitCode: 3,
  },
  {
    label: 'the default domain imported twice at different opsets',
    bytes: () => {
      const base = mlp();
      return encodeModel(patch(base, { opsetImport: [...base.opsetImport, create(OperatorSetIdProtoSchema, { domain: '', version: 10n })] }));
    },
    error: 'ModelFormatError',
    message: /imports the default \(ai\.onnx\) domain twice, at opset 17 and 10/,
    exitCode: 3,
  },
  {
    label: 'an initializer name defined twice',
    bytes: () => withExtra(makeRawTensor('fc2.bias', DT.FLOAT, [32], new Uint8Array(128))),
    error: 'ModelFormatError',
    message: /Initializer 'fc2\.bias' is defined twice in the main graph/,
    exitCode: 3,
  },
  {
    label: 'external data above the model folder',
    bytes: () => externalAt('../mlp.weights.bin'),
    files: dataFile,
    error: 'ExternalDataError',
    message: /'\.\.\/mlp\.weights\.bin' escapes the model's folder/,
    exitCode: 3,
  },
  {
    label: 'external data at an absolute path',
    bytes: () => externalAt('/etc/passwd'),
    files: dataFile,
    error: 'ExternalDataError',
    message: /'\/etc\/passwd' is absolute/,
    exitCode: 3,
  },
  {
    label: 'external data file missing',
    bytes: () => externalBytes(),
    error: 'ExternalDataError',
    message: /keeps its data in 'mlp\.weights\.bin', which was not supplied/,
    exitCode: 3,
  },
  {
    label: 'external data reading past its file',
    bytes: () => externalBytes(),
    files: () => new Map([['mlp.weights.bin', external.files.get('mlp.weights.bin')!.slice(0, 100)]]),
    error: 'ExternalDataError',
    message: /reads bytes 0\.\.32768 of 'mlp\.weights\.bin', but that file has 100 bytes/,
    exitCode: 3,
  },
  {
    label: 'an external data file that is a symlink to a file outside the folder',
    bytes: () => externalBytes(),
    links: { 'mlp.weights.bin': 'outside:secret.bin' },
    diskOnly: true,
    error: 'ExternalDataError',
    message: /'mlp\.weights\.bin' resolves to '.*secret\.bin', outside the model's folder/,
    exitCode: 3,
  },
  {
    label: 'an external data folder that is a symlink to a folder outside',
    bytes: () => externalAt('weights/mlp.weights.bin'),
    links: { weights: 'outside:' },
    diskOnly: true,
    error: 'ExternalDataError',
    message: /'weights\/mlp\.weights\.bin' resolves to '.*mlp\.weights\.bin', outside the model's folder/,
    exitCode: 3,
  },
];

export const EXTERNAL_DATA = external.files.get('mlp.weights.bin')!;
