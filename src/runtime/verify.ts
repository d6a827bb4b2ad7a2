import { RuntimeError } from '../core/util/errors';
import type { Backend, Runtime } from './types';
import type { EncodedModel } from '../core/onnx/external-output';
import { runtimeExternalData } from './encoded-session';

/**
 * Loads compressed model bytes in onnxruntime-web and releases them again, so a model the
 * runtime rejects (an op or type combination without a kernel, a malformed rewrite) is an
 * error with onnxruntime's reason before anyone writes or downloads it.
 */
export async function verifyModelLoads(runtime: Runtime, bytes: Uint8Array, backend: Backend = 'wasm'): Promise<void> {
  let session;
  try {
    session = await runtime.createSession(bytes, { backend });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new RuntimeError(`The compressed model does not load in onnxruntime-web, so it was not written. ${reason}`);
  }
  await session.release();
}

/**
 * The same for an encoded output that may keep its weights in an external data file, loaded with
 * that file. Returns false, without loading, when the data file is past what onnxruntime-web can
 * take (RUNTIME_EXTERNAL_LIMIT_BYTES): the caller says so.
 */
export async function verifyEncodedLoads(runtime: Runtime, encoded: EncodedModel, backend: Backend = 'wasm'): Promise<boolean> {
  const externalData = runtimeExternalData(encoded);
  if (!externalData) return false;
  let session;
  try {
    session = await runtime.createSession(encoded.model, { backend, ...(externalData.length > 0 && { externalData }) });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new RuntimeError(`The compressed model does not load in onnxruntime-web, so it was not written. ${reason}`);
  }
  await session.release();
  return true;
}
