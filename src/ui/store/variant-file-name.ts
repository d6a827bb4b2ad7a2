import { stripOnnxExtension } from '../format';
import { methodTag } from './recipe';

/** Characters a file name tag keeps; anything else becomes '-'. */
const UNSAFE = /[^A-Za-z0-9._-]+/g;

/**
 * The file name tag of one recipe step from its CLI text (`int4:block=32,symmetric=false`):
 * the method's short tag (a `-weight` suffix dropped, unless that would name another method, as
 * `fp16-weight` would `fp16`) and each option that differs from its default as `key-value`.
 */
export function stepFileTag(stepText: string, methodIds: readonly string[]): string {
  const colon = stepText.indexOf(':');
  const id = colon < 0 ? stepText : stepText.slice(0, colon);
  const short = methodTag(id);
  const tag = short !== id && methodIds.includes(short) ? id : short;
  const options = colon < 0 ? [] : stepText.slice(colon + 1).split(',').filter(Boolean).map((pair) => pair.replace('=', '-'));
  return [tag, ...options].join('_').replace(UNSAFE, '-').replace(/-{2,}/g, '-');
}

/**
 * A download name that says the recipe and is unique among `taken`: `model.int8.onnx`,
 * `model.fp16-weight.onnx`, `model.int4_block-32.onnx`, `model.int8+int4.onnx`; a repeated
 * recipe (or one that differs only in its overrides) gets `.2`, `.3`… before `.onnx`.
 */
export function uniqueVariantFileName(modelName: string, stepTexts: readonly string[], methodIds: readonly string[], taken: readonly string[]): string {
  const base = `${stripOnnxExtension(modelName) || 'model'}.${stepTexts.map((t) => stepFileTag(t, methodIds)).join('+') || 'compressed'}`;
  const lower = new Set(taken.map((t) => t.toLowerCase()));
  if (!lower.has(`${base}.onnx`.toLowerCase())) return `${base}.onnx`;
  let n = 2;
  while (lower.has(`${base}.${n}.onnx`.toLowerCase())) n += 1;
  return `${base}.${n}.onnx`;
}
