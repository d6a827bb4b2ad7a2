import type { EncodedModel } from '../core/onnx/external-output';
import type { ExternalDataInput } from './types';

/**
 * onnxruntime-web copies external data into its WASM memory, which holds at most 4 GiB, and takes
 * each file as one buffer: past this a data file is not handed to it.
 */
export const RUNTIME_EXTERNAL_LIMIT_BYTES = 2 ** 31 - 1;

/** The external data of an encoded output as onnxruntime takes it (its pieces joined), or undefined past the runtime's limit. */
export function runtimeExternalData(encoded: EncodedModel): ExternalDataInput[] | undefined {
  const file = encoded.external;
  if (!file) return [];
  if (file.size > RUNTIME_EXTERNAL_LIMIT_BYTES) return undefined;
  const data = new Uint8Array(file.size);
  let at = 0;
  for (const piece of file.pieces) {
    data.set(piece, at);
    at += piece.byteLength;
  }
  return [{ path: file.location, data }];
}
