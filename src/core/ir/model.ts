import type { ModelProto } from '../onnx/schema';

/**
 * The model IR is the decoded ONNX message itself: plain objects from the onnx-buf schema,
 * with every tensor's raw bytes a view into the source buffer. Treat it as immutable:
 * methods build new messages that share unchanged parts with their input (see graph/edit-session.ts).
 * Keeping the schema's own objects means fields the core does not model survive untouched.
 */
export type ModelIR = ModelProto;

/**
 * A type read-only all the way down: arrays become readonly arrays, message fields readonly.
 * Byte arrays stay as they are (their elements are the tensor payload views; nobody writes them).
 */
export type DeepReadonly<T> = T extends Uint8Array
  ? T
  : T extends bigint | string | number | boolean | undefined | null
    ? T
    : T extends readonly (infer U)[]
      ? readonly DeepReadonly<U>[]
      : T extends object
        ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
        : T;

/** The model as a method receives it: the compiler refuses any write into it. */
export type ReadonlyModelIR = DeepReadonly<ModelIR>;

/**
 * The read-only model typed as schema messages, for the graph layer's readers and for outcomes that
 * hand the input back unchanged: the same objects, shared, never written (the protobuf types have
 * no read-only form of their own to pass around).
 */
export function sharedModel(model: ReadonlyModelIR): ModelIR {
  return model as ModelIR;
}
