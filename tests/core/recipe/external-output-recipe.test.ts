import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../../src/core/onnx/decode';
import { applyRecipe, createTeacher, parseRecipe } from '../../../src/core/recipe';
import { methods } from '../../../src/core/methods/registry';
import { modelOpener } from '../../../src/runtime/calibrate';
import { encodedByteLength } from '../../../src/core/onnx/external-output';
import { compareTensors } from '../../../src/core/evaluate/metrics';
import type { Feeds } from '../../../src/core/evaluate/tensor-data';
import { seededRandom } from '../../../src/core/util/random';
import { createNodeRuntime } from '../../../src/runtime/node';
import { runtimeExternalData } from '../../../src/runtime/encoded-session';
import type { ExternalDataInput } from '../../../src/runtime/types';
import { joinPieces, savedWithExternalData, wideMlp } from '../../fixtures/wide-mlp';

const runtime = createNodeRuntime();
const rnd = seededRandom(11);
const feeds: Feeds = { x: { dtype: 'float32', dims: [4, 384], data: Float32Array.from({ length: 4 * 384 }, () => rnd.normal()) } };

async function run(bytes: Uint8Array, externalData?: ExternalDataInput[], inputs = feeds): Promise<Feeds> {
  const session = await runtime.createSession(bytes, externalData && externalData.length > 0 ? { externalData } : {});
  try {
    return await session.run(inputs);
  } finally {
    await session.release();
  }
}

/** A model kept as model.onnx + model.onnx.data, decoded as a host does from the two files. */
const saved = savedWithExternalData(wideMlp(), 'wide.onnx.data');
const input = decodeModel(saved.bytes, { externalFiles: new Map([['wide.onnx.data', saved.data]]) });

describe('recipes on an external-data model, with the inline limit lowered to 300 kB', () => {
  const layout = { inlineLimitBytes: 300_000, externalLocation: 'wide.out.onnx.data' };

  it.each([
    ['simplify', 0.999999],
    ['int8-weight', 0.999],
    ['fp16', 0.9999],
    ['fp16-weight', 0.9999],
  ])('%s: written as model + data file, which onnxruntime-web loads and runs like the original (cosine >= %f)', async (recipe, floor) => {
    const reference = (await run(saved.bytes, [{ path: 'wide.onnx.data', data: saved.data }])).y!;
    const result = await applyRecipe(input, parseRecipe(recipe), { output: layout });
    const file = result.output.external!;
    expect(file.location).toBe('wide.out.onnx.data');
    expect(result.bytes).toBe(result.output.model);
    expect(result.bytes.byteLength).toBeLessThan(30_000);
    const out = (await run(result.output.model, runtimeExternalData(result.output))).y!;
    expect(compareTensors('y', reference, out).cosine).toBeGreaterThanOrEqual(floor);
    // Reloaded from the two files, the output decodes again and its totals count the data file.
    const data = joinPieces(file.pieces);
    expect(() => decodeModel(result.output.model, { externalFiles: new Map([[file.location, data]]) })).not.toThrow();
    const after = result.steps.at(-1)!.after;
    expect(encodedByteLength(result.output)).toBe(result.output.model.byteLength + data.byteLength);
    expect(after.gzipBytes).toBeGreaterThan(result.output.model.byteLength);
    expect(after.storedBytes).toBeGreaterThan(file.size / 2);
  });

  it('every registered method gives an output onnxruntime-web loads with its data file and runs (defaults, seeded calibration)', async () => {
    // A narrower MLP (3 x 192 x 192) past a 40 kB limit keeps the slower methods (SVD, calibration, refits) short.
    const small = savedWithExternalData(wideMlp(22, 192), 'narrow.onnx.data');
    const narrow = decodeModel(small.bytes, { externalFiles: new Map([['narrow.onnx.data', small.data]]) });
    const narrowFeeds: Feeds = { x: { dtype: 'float32', dims: [4, 192], data: feeds.x!.data.slice(0, 4 * 192) } };
    const openModel = modelOpener(runtime);
    const reference = (await run(small.bytes, [{ path: 'narrow.onnx.data', data: small.data }], narrowFeeds)).y!;
    // prune-channels and reconstruct need something to act on after it; the rest run alone.
    const recipes = methods.map((m) => (m.id === 'reconstruct' ? 'prune-unstructured+reconstruct' : m.id));
    for (const recipe of recipes) {
      const teacher = createTeacher(narrow, openModel);
      try {
        const result = await applyRecipe(narrow, parseRecipe(recipe), { output: { inlineLimitBytes: 40_000, externalLocation: 'n.data' }, openModel, teacher });
        if (result.model === narrow) continue;
        expect(result.output.external, recipe).toBeDefined();
        const out = (await run(result.output.model, runtimeExternalData(result.output), narrowFeeds)).y!;
        expect(out.dims, recipe).toEqual(reference.dims);
        expect(compareTensors('y', reference, out).cosine, recipe).toBeGreaterThan(0.5);
      } finally {
        await teacher.release();
      }
    }
  });

  it('keeps an output within the limit in one self-contained file', async () => {
    const result = await applyRecipe(input, parseRecipe('int8-weight'), { output: { inlineLimitBytes: 1_000_000 } });
    expect(result.output.external).toBeUndefined();
    const out = (await run(result.bytes)).y!;
    const reference = (await run(saved.bytes, [{ path: 'wide.onnx.data', data: saved.data }])).y!;
    expect(compareTensors('y', reference, out).cosine).toBeGreaterThan(0.999);
  });
});
