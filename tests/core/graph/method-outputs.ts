/**
 * Every method's output on the seeded fixtures and the real PaddleOCR models, as SHA-256 of the
 * encoded model. The graph-layer port must leave these bytes as they were; the recorded table
 * (tests/fixtures/method-outputs.json) is written by scripts/record-method-outputs.ts.
 */
import { createHash } from 'node:crypto';
import { decodeModel } from '../../../src/core/onnx/decode';
import { encodeModel } from '../../../src/core/onnx/encode';
import { applyRecipe } from '../../../src/core/recipe/apply';
import { parseRecipe } from '../../../src/core/recipe/parse';
import type { ModelIR } from '../../../src/core/ir/model';
import { modelOpener } from '../../../src/runtime/calibrate';
import { createNodeRuntime } from '../../../src/runtime/node';
import { constantsInIf, convBnRelu, mlp, transformerBlock } from '../../fixtures/models';
import { OCR_CLS, OCR_DET, OCR_REC, readOcrModel } from '../onnx/model-corpus';

export interface OutputCase {
  model: string;
  recipe: string;
}

const FIXTURES: Record<string, () => ModelIR> = { mlp, convBnRelu, transformerBlock, constantsInIf };
const REAL: Record<string, string> = { 'paddleocr-cls': OCR_CLS, 'paddleocr-det': OCR_DET, 'paddleocr-rec': OCR_REC };

/** Recipes run on every model: each method at its defaults, a chain, and calibrated forms with few samples. */
const EVERY_MODEL = [
  'int8-weight',
  'int8-dynamic',
  'int8-static:samples=2',
  'int4',
  'fp16',
  'fp16-weight',
  'int4+int8-weight',
];

/** Option variants run on the small fixtures only. */
const FIXTURE_ONLY = [
  'int8-weight:symmetric=true,perChannel=false',
  'int8-weight:weightType=uint8',
  'int8-weight:biasCorrection=true',
  'int8-dynamic:symmetric=true,weightType=uint8,groupedConv=true',
  'int8-dynamic:perChannel=false',
  'int8-static:samples=2,calibrator=minmax,quantizeOutputs=true,groupedConv=true',
  'int8-static:samples=2,perChannel=false,calibrator=entropy',
  'int4:block=16,symmetric=false,accuracyLevel=4',
  'int4:gather=true,minElements=16',
  'fp16:keepIO=false',
  'fp16:outOfRange=clamp,blockOps=',
  'fp16-weight:minElements=1',
  'int8-weight --override "*=float"',
  'int8-dynamic+fp16-weight',
];

export function outputCases(): OutputCase[] {
  const cases: OutputCase[] = [];
  for (const model of Object.keys(FIXTURES)) for (const recipe of [...EVERY_MODEL, ...FIXTURE_ONLY]) cases.push({ model, recipe });
  for (const model of Object.keys(REAL)) for (const recipe of EVERY_MODEL) cases.push({ model, recipe });
  cases.push({ model: 'paddleocr-cls', recipe: 'int8-weight:biasCorrection=true' });
  return cases;
}

const runtime = createNodeRuntime();
const openModel = modelOpener(runtime);

export function loadCaseModel(name: string): ModelIR {
  const fixture = FIXTURES[name];
  if (fixture) return fixture();
  return decodeModel(readOcrModel(REAL[name]!));
}

/** SHA-256 of the encoded output, or 'error: <name>: <message>' when the recipe refuses the model. */
export async function outputHash(model: ModelIR, recipe: string): Promise<string> {
  try {
    const result = await applyRecipe(model, parseRecipe(recipe), { openModel });
    return createHash('sha256').update(encodeModel(result.model)).digest('hex');
  } catch (e) {
    return `error: ${(e as Error).name}: ${(e as Error).message}`;
  }
}

export const RECORD_PATH = new URL('../../fixtures/method-outputs.json', import.meta.url);
