/**
 * Lazily instantiates a WebAssembly kernel module from its base64 bytes. The instance is a cache,
 * not state: kernel calls are synchronous, so no two ever share its memory at once. The getter
 * gives null where the module cannot be instantiated (no WebAssembly SIMD), and callers fall back
 * to their JavaScript loops.
 */
export function wasmKernel<T>(base64: string): () => T | null {
  let instance: T | null | undefined;
  return () => {
    if (instance === undefined) {
      try {
        const binary = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
        instance = new WebAssembly.Instance(new WebAssembly.Module(binary)).exports as unknown as T;
      } catch {
        instance = null;
      }
    }
    return instance;
  };
}

/** Grows `memory` so it holds at least `bytes`; false when that is past what the caller allows. */
export function ensureMemory(memory: WebAssembly.Memory, bytes: number, limit = 2 ** 31): boolean {
  if (bytes > limit) return false;
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
  return true;
}
