/**
 * Recognises files that are not ONNX by their magic bytes, so the user is told what they
 * dropped instead of "invalid protobuf".
 */
export type ForeignFormat =
  | 'TFLite'
  | 'ORT format'
  | 'PyTorch zip'
  | 'PyTorch pickle'
  | 'ZIP archive'
  | 'safetensors'
  | 'GGUF'
  | 'Keras HDF5'
  | 'TensorFlow SavedModel'
  | 'NumPy array'
  | 'Git LFS pointer'
  | 'JSON or text';

const ascii = (bytes: Uint8Array, start: number, length: number): string =>
  String.fromCharCode(...bytes.subarray(start, start + length));

function containsAscii(bytes: Uint8Array, needle: string, limit: number): boolean {
  const end = Math.min(bytes.length, limit) - needle.length;
  const first = needle.charCodeAt(0);
  outer: for (let i = 0; i <= end; i++) {
    if (bytes[i] !== first) continue;
    for (let k = 1; k < needle.length; k++) if (bytes[i + k] !== needle.charCodeAt(k)) continue outer;
    return true;
  }
  return false;
}

/**
 * Formats recognisable by unambiguous magic bytes, which no ONNX file starts with. Checked
 * before parsing.
 */
export function sniffForeignFormat(bytes: Uint8Array): ForeignFormat | undefined {
  if (bytes.length >= 8) {
    const tag4 = ascii(bytes, 4, 4);
    if (tag4 === 'TFL3' || tag4 === 'TFL2') return 'TFLite';
    if (tag4 === 'ORTM') return 'ORT format';
  }
  if (ascii(bytes, 0, 4) === 'GGUF') return 'GGUF';
  if (ascii(bytes, 0, 8) === '\x89HDF\r\n\x1a\n') return 'Keras HDF5';
  if (ascii(bytes, 0, 6) === '\x93NUMPY') return 'NumPy array';
  if (ascii(bytes, 0, 4) === 'PK\x03\x04') {
    return containsAscii(bytes, 'data.pkl', 1 << 20) || containsAscii(bytes, '/version', 1 << 16) ? 'PyTorch zip' : 'ZIP archive';
  }
  if (bytes[0] === 0x80 && bytes.length > 1 && bytes[1]! >= 2 && bytes[1]! <= 5) return 'PyTorch pickle';
  if (bytes.length >= 9 && bytes[8] === 0x7b /* { */) {
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
    if (headerLength > 0n && headerLength <= BigInt(bytes.length - 8)) return 'safetensors';
  }
  return undefined;
}

/**
 * Formats guessed from content rather than magic bytes. Checked only once the bytes have
 * failed to parse as an ONNX model (or parsed with no graph), because a valid ONNX model may
 * contain the same strings: models converted by tf2onnx name inputs 'serving_default_...'.
 */
export function guessUnreadableFormat(bytes: Uint8Array): ForeignFormat | undefined {
  if (ascii(bytes, 0, 24) === 'version https://git-lfs.') return 'Git LFS pointer';
  if (containsAscii(bytes, 'serving_default', 1 << 16) || containsAscii(bytes, 'tensorflow/serving', 1 << 16)) {
    return 'TensorFlow SavedModel';
  }
  const first = bytes[0];
  if (first === 0x7b || first === 0x5b || first === 0x3c /* { [ < */) return 'JSON or text';
  return undefined;
}

/** What to tell the user for each format we recognise but cannot read. */
export function foreignFormatAdvice(format: ForeignFormat): string {
  switch (format) {
    case 'TFLite':
      return 'This is a TensorFlow Lite flatbuffer. Convert it to ONNX first (for example with tflite2onnx or tf2onnx).';
    case 'ORT format':
      return 'This is an ONNX Runtime .ort file, which is already optimised and cannot be edited. Use the original .onnx model.';
    case 'PyTorch zip':
    case 'PyTorch pickle':
      return 'This is a PyTorch checkpoint. Export it to ONNX first with torch.onnx.export.';
    case 'ZIP archive':
      return 'This is a ZIP archive. Unpack it and drop the .onnx file (and its external data files) instead.';
    case 'safetensors':
      return 'This is a safetensors weight file: it holds weights but no graph. Export the model to ONNX first.';
    case 'GGUF':
      return 'This is a GGUF (llama.cpp) file. Featherweight works on ONNX models.';
    case 'Keras HDF5':
      return 'This is a Keras HDF5 file. Convert it to ONNX first (for example with tf2onnx).';
    case 'TensorFlow SavedModel':
      return 'This is a TensorFlow SavedModel. Convert it to ONNX first with tf2onnx.';
    case 'NumPy array':
      return 'This is a NumPy .npy array, not a model. Drop it as sample data instead.';
    case 'Git LFS pointer':
      return 'This is a Git LFS pointer file, not the model itself. Fetch the real file (git lfs pull) or download it directly.';
    case 'JSON or text':
      return 'This looks like a text file, not a binary ONNX model.';
  }
}
