/** Display helpers of the studio only; numbers are formatted by src/core/util/format.ts. */

/** model.onnx -> model */
export function stripOnnxExtension(name: string): string {
  return name.replace(/\.onnx$/i, '');
}
