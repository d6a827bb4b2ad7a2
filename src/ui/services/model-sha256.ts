import { sha256Hex } from '../../core/util/sha256';
import type { ModelRegistry } from './types';

/** One hash per model file, however many callers (workspace storage, reports) ask for it. */
const hashes = new WeakMap<Blob, Promise<string>>();

/** The SHA-256 of a registered model's .onnx bytes (external data files are not part of its identity). */
export function registeredModelSha256(registry: ModelRegistry, id: string): Promise<string> {
  const files = registry.get(id);
  if (!files) return Promise.reject(new Error(`No model is registered under id '${id}'; expected the open model.`));
  let hash = hashes.get(files.model);
  if (!hash) {
    hash = files.model.arrayBuffer().then((b) => sha256Hex(new Uint8Array(b)));
    hashes.set(files.model, hash);
  }
  return hash;
}

/** Records a hash already known for a registered model (a workspace read back under it), so it is not computed again. */
export function recordModelSha256(registry: ModelRegistry, id: string, sha256: string): void {
  const files = registry.get(id);
  if (files) hashes.set(files.model, Promise.resolve(sha256));
}
