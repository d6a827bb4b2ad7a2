import type { ModelProto } from '../onnx/schema';

/**
 * The model IR is the decoded ONNX message itself: plain objects from the onnx-buf schema,
 * with every tensor's raw bytes a view into the source buffer. Treat it as immutable:
 * methods build new messages that share unchanged parts with their input (see ir/edit.ts).
 * Keeping the schema's own objects means fields the core does not model survive untouched.
 */
export type ModelIR = ModelProto;
