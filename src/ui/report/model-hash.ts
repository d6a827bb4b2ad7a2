import { sha256Hex } from '../../core/util/sha256';
import type { ModelRegistry } from '../services/types';

/** The SHA-256 of a registered model's .onnx bytes (external data files are not part of its identity). */
export async function registeredModelSha256(registry: ModelRegistry, id: string): Promise<string> {
  const files = registry.get(id);
  if (!files) throw new Error(`No model is registered under id '${id}'; expected the open model.`);
  return sha256Hex(new Uint8Array(await files.model.arrayBuffer()));
}
