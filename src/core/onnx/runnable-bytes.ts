import type { ModelIR } from '../ir/model';
import { listExternalLocations } from './decode';
import { encodeModel } from './encode';

/** A decoded model and where it came from: its .onnx bytes and how many external data files it read. */
export interface ModelSource {
  bytes: Uint8Array<ArrayBuffer>;
  model: ModelIR;
  externalFiles: number;
}

/**
 * Bytes onnxruntime loads on their own: the .onnx file itself, or, when its weights came from
 * external data files, the model re-encoded with those weights inline (the runtime gets one
 * self-contained buffer). The workers and the CLI both call this.
 */
export function runnableBytes({ bytes, model, externalFiles }: ModelSource): Uint8Array<ArrayBuffer> {
  return externalFiles > 0 || listExternalLocations(model).length > 0 ? encodeModel(model) : bytes;
}
