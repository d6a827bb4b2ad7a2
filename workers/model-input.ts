import { decodeModel, listExternalLocations } from '../src/core/onnx/decode';
import { encodeModel } from '../src/core/onnx/encode';
import type { ExternalFiles } from '../src/core/onnx/external-data';
import type { ModelIR } from '../src/core/ir/model';

/** A model as it crosses into a worker: its bytes and any external data files, by name. Transferred, not copied. */
export interface ModelInput {
  model: Uint8Array<ArrayBuffer>;
  external: Record<string, Uint8Array<ArrayBuffer>>;
}

/**
 * Dropped files carry names, not folders: a location `weights/w.bin` is found as `weights/w.bin`
 * when a file has that name, else by its base name `w.bin`.
 */
export function droppedExternalFiles(files: Readonly<Record<string, Uint8Array<ArrayBuffer>>>): ExternalFiles {
  return (location) => files[location] ?? files[location.slice(location.lastIndexOf('/') + 1)];
}

export function decodeInput(input: ModelInput): ModelIR {
  return decodeModel(input.model, { externalFiles: droppedExternalFiles(input.external) });
}

/** Bytes onnxruntime loads on their own: a model with external data is re-encoded with its weights inline. */
export function runnableBytes(input: ModelInput, model: ModelIR): Uint8Array<ArrayBuffer> {
  const external = Object.keys(input.external).length > 0 || listExternalLocations(model).length > 0;
  return external ? encodeModel(model) : input.model;
}
