import { RuntimeError } from '../core/util/errors';
import type { Backend, Runtime } from './types';

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
