/**
 * The SHA-256 of some bytes as 64 lowercase hex digits: the identity a model is stored and
 * reported under. Web Crypto does the hashing, alike in browsers, workers and Node.
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // Web Crypto refuses views of shared memory; those are hashed from a copy.
  const data = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}
