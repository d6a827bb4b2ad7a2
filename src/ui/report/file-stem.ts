/** A file name stem safe on every OS, from a model name: `model.onnx` -> `model`. */
export function fileStem(name: string): string {
  const stem = name.replace(/\.onnx$/i, '').replace(/[^\w.-]+/g, '_').slice(0, 80);
  return stem || 'model';
}
