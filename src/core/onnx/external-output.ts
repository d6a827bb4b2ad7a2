import { create } from '@bufbuild/protobuf';
import { StringStringEntryProtoSchema, TensorProto_DataLocation, type GraphProto, type TensorProto } from './schema';
import { patch } from '../ir/edit';
import type { ModelIR } from '../ir/model';
import { planEncoding } from './encode';
import { safeRelativeLocation } from './external-data';
import { UnsupportedModelError } from '../util/errors';

/**
 * Outputs whose encoding would pass this many bytes keep their weights in an external data file.
 * Protobuf cannot hold a message of 2 GiB (2^31 bytes) or more; 2 GB leaves room below that.
 */
export const DEFAULT_INLINE_LIMIT_BYTES = 2_000_000_000;
/** Tensors in the data file start at multiples of this (a page: the runtime can map them in place). */
export const DEFAULT_EXTERNAL_ALIGN_BYTES = 4096;
/** Smaller tensors stay inline (shapes, scales, biases): not worth a reference each. */
export const DEFAULT_EXTERNAL_MIN_TENSOR_BYTES = 1024;
/** The largest message protobuf can carry. */
const PROTOBUF_MAX_BYTES = 2 ** 31 - 1;

/** How an output model is laid out: inline up to a size, past it as model + one external data file. */
export interface OutputLayout {
  /** Encoded size above which the weights go to the external data file. */
  inlineLimitBytes?: number;
  /** The data file's name relative to the .onnx (what its `location` entries say); default `model.onnx.data`. */
  externalLocation?: string;
  alignBytes?: number;
  /** Tensors with fewer payload bytes stay inline. */
  minTensorBytes?: number;
}

/** An external data file as its pieces in order (payloads and zero padding): never joined into one buffer. */
export interface ExternalDataFile {
  location: string;
  size: number;
  pieces: readonly Uint8Array<ArrayBuffer>[];
}

/** An encoded output: the .onnx bytes, and the data file they refer to when the weights were placed outside. */
export interface EncodedModel {
  model: Uint8Array<ArrayBuffer>;
  external?: ExternalDataFile;
}

/** Bytes of the whole output: the .onnx file and its external data. */
export function encodedByteLength(encoded: EncodedModel): number {
  return encoded.model.byteLength + (encoded.external?.size ?? 0);
}

/** Every piece of the output in order: the .onnx bytes, then the data file's pieces. */
export function encodedPieces(encoded: EncodedModel): readonly Uint8Array<ArrayBuffer>[] {
  return encoded.external ? [encoded.model, ...encoded.external.pieces] : [encoded.model];
}

interface Placement {
  location: string;
  align: number;
  minBytes: number;
  cursor: number;
  pieces: Uint8Array<ArrayBuffer>[];
  zeros: Uint8Array<ArrayBuffer>;
}

function entry(key: string, value: string) {
  return create(StringStringEntryProtoSchema, { key, value });
}

function placeTensor(t: TensorProto, at: Placement): TensorProto {
  if (t.dataLocation === TensorProto_DataLocation.EXTERNAL || t.rawData.byteLength < at.minBytes) return t;
  const offset = Math.ceil(at.cursor / at.align) * at.align;
  if (offset > at.cursor) at.pieces.push(at.zeros.subarray(0, offset - at.cursor));
  // Weight payloads are views into ArrayBuffers (decoded files, method outputs), never shared memory.
  at.pieces.push(t.rawData as Uint8Array<ArrayBuffer>);
  at.cursor = offset + t.rawData.byteLength;
  return patch(t, {
    rawData: new Uint8Array(0),
    dataLocation: TensorProto_DataLocation.EXTERNAL,
    externalData: [entry('location', at.location), entry('offset', String(offset)), entry('length', String(t.rawData.byteLength))],
  });
}

/**
 * The main graph's initializers, in order. Subgraph (If/Loop/Scan body) initializers and Constant
 * nodes keep their values inline: onnxruntime-web resolves a subgraph's external data on a file
 * system it does not have ("external data path could not be canonicalized"), even when the data
 * file is handed to it.
 */
function placeGraph(graph: GraphProto, at: Placement): GraphProto {
  const initializer = graph.initializer.map((t) => placeTensor(t, at));
  return initializer.every((t, i) => t === graph.initializer[i]) ? graph : patch(graph, { initializer });
}

/**
 * The model with its initializers' payloads placed in one external data file, by offset, each
 * aligned. The model IR is not modified: the result shares everything but the moved tensors.
 */
export function encodeWithExternalData(model: ModelIR, layout: OutputLayout = {}): EncodedModel {
  const location = safeRelativeLocation(layout.externalLocation ?? 'model.onnx.data');
  const align = Math.max(1, Math.floor(layout.alignBytes ?? DEFAULT_EXTERNAL_ALIGN_BYTES));
  const at: Placement = { location, align, minBytes: layout.minTensorBytes ?? DEFAULT_EXTERNAL_MIN_TENSOR_BYTES, cursor: 0, pieces: [], zeros: new Uint8Array(align) };
  const graph = model.graph && placeGraph(model.graph, at);
  const placed = graph && graph !== model.graph ? patch(model, { graph }) : model;
  const plan = planEncoding(placed);
  if (plan.size > PROTOBUF_MAX_BYTES) {
    throw new UnsupportedModelError(
      `Even with its initializers in external data the model takes ${plan.size} bytes (weights in subgraphs, Constant nodes or typed fields stay inline); protobuf holds at most ${PROTOBUF_MAX_BYTES}.`,
    );
  }
  return { model: plan.write(), ...(at.pieces.length > 0 && { external: { location, size: at.cursor, pieces: at.pieces } }) };
}

/**
 * Encodes an output model: inline when it fits within `inlineLimitBytes`, else as model + one
 * external data file. No buffer ever holds all the weights of a model past the limit.
 */
export function encodeOutput(model: ModelIR, layout: OutputLayout = {}): EncodedModel {
  const plan = planEncoding(model);
  if (plan.size <= (layout.inlineLimitBytes ?? DEFAULT_INLINE_LIMIT_BYTES)) return { model: plan.write() };
  return encodeWithExternalData(model, layout);
}
