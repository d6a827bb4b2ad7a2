import { decodeModel } from '../src/core/onnx/decode';
import { runnableBytes } from '../src/core/onnx/runnable-bytes';
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

/** Bytes onnxruntime loads on their own, by the core's rule (weights from external files go inline). */
export function inputRunnableBytes(input: ModelInput, model: ModelIR): Uint8Array<ArrayBuffer> {
  return runnableBytes({ bytes: input.model, model, externalFiles: Object.keys(input.external).length });
}
