// Writes what the side-by-side check with onnxruntime.quantization (compare_with_ort.py) needs:
// the PaddleOCR models, Featherweight's quantized variants of them, and seeded text-like inputs
// (.npy) for calibration and evaluation. Run: npx tsx scripts/reference/prepare.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { applyRecipe } from '../../src/core/recipe/apply';
import { parseRecipe } from '../../src/core/recipe/parse';
import { decodeModel } from '../../src/core/onnx/decode';
import { encodeModel } from '../../src/core/onnx/encode';
import type { Feeds, TensorData } from '../../src/core/evaluate/tensor-data';
import { createNodeRuntime } from '../../src/runtime/node';
import { modelOpener } from '../../src/runtime/calibrate';
import { verifyModelLoads } from '../../src/runtime/verify';
import { textImage } from '../../tests/fixtures/text-images';
import { npyBytes, typedBytes } from '../../tests/fixtures/samples';
import { OCR_CLS, OCR_DET, OCR_REC, readOcrModel } from '../../tests/core/onnx/model-corpus';

const runtime = createNodeRuntime();
// Output folder (git-ignored), read by compare_with_ort.py.
const dir = new URL('../../.reference/', import.meta.url).pathname;

/** A float32 tensor as a .npy file. */
const npy = (t: TensorData): Uint8Array => npyBytes('<f4', t.dims, typedBytes(t.data as Float32Array));

const models = [
  { key: 'cls', file: OCR_CLS, h: 48, w: 192, calib: 8, evalN: 8, recipes: ['int8-weight', 'int8-weight:symmetric=true', 'int8-dynamic', 'int8-static', 'fp16', 'fp16-weight'] },
  { key: 'det', file: OCR_DET, h: 256, w: 256, calib: 6, evalN: 4, recipes: ['int8-weight', 'int8-dynamic', 'int8-static', 'fp16'] },
  { key: 'rec', file: OCR_REC, h: 48, w: 320, calib: 8, evalN: 8, recipes: ['int8-weight', 'int8-weight:symmetric=true', 'int8-dynamic', 'int8-static', 'fp16', 'int4'] },
];
for (const m of models) {
  const d = `${dir}${m.key}`;
  mkdirSync(`${d}/calib`, { recursive: true });
  mkdirSync(`${d}/eval`, { recursive: true });
  const calib: Feeds[] = [];
  for (let i = 0; i < m.calib; i++) {
    const t = textImage(100 + i, m.h, m.w);
    calib.push({ x: t });
    writeFileSync(`${d}/calib/${i}.npy`, npy(t));
  }
  for (let i = 0; i < m.evalN; i++) writeFileSync(`${d}/eval/${i}.npy`, npy(textImage(1 + i, m.h, m.w)));
  const bytes = readOcrModel(m.file);
  writeFileSync(`${d}/original.onnx`, bytes);
  const model = decodeModel(bytes);
  for (const r of m.recipes) {
    const t0 = performance.now();
    const res = await applyRecipe(model, parseRecipe(r), { openModel: modelOpener(runtime), calibrationInputs: calib });
    const out = encodeModel(res.model);
    await verifyModelLoads(runtime, out);
    const name = r.replace(/[:=,]/g, '_');
    writeFileSync(`${d}/ours_${name}.onnx`, out);
    console.log(m.key, r, out.byteLength, (performance.now() - t0).toFixed(0), 'ms', res.steps[0]!.warnings.join(' | ').slice(0, 200));
  }
}
