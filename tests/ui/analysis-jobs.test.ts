import { describe, expect, it } from 'vitest';
import { channelWorker } from './channel-worker';
import { createWorkerClient } from '../../src/ui/services/worker-client';
import { createModelRegistry } from '../../src/ui/services/model-registry';
import { createAnalysisJobs } from '../../src/ui/services/analysis-jobs';
import { createAnalysisApi, type AnalysisApi } from '../../workers/analysis-api';
import { OCR_DET, readOcrModel } from '../core/onnx/model-corpus';
import { encodeModel } from '../../src/core/onnx/encode';
import { voiceActivity } from '../fixtures/voice-activity';

describe('analysis jobs: live MAC counts on their own worker', () => {
  it('sends each model once, counts the real graphs at the sizes given, and sends a model again only after it was dropped', async () => {
    const det = readOcrModel(OCR_DET);
    const vad = encodeModel(voiceActivity());
    const worker = channelWorker(createAnalysisApi());
    const registry = createModelRegistry();
    const jobs = createAnalysisJobs(createWorkerClient<AnalysisApi>(worker.spawn), registry);
    const a = registry.add({ name: 'det.onnx', model: new Blob([det]), external: new Map() });
    const b = registry.add({ name: 'vad.onnx', model: new Blob([vad]), external: new Map() });
    const signal = new AbortController().signal;
    // Files go over transferred (their buffers detached here), one message per model sent.
    const sent = () => worker.transfers.filter((t) => t.length > 0).length;

    const small = await jobs.macsAt(signal, [a, b], { 'p2o.DynamicDimension.1': 64, 'p2o.DynamicDimension.2': 64, 'input[1]': 512 });
    expect(sent()).toBe(2);
    expect(worker.transfers.flat().every((t) => (t as ArrayBuffer).byteLength === 0)).toBe(true);
    expect(small[a]).toMatchObject({ kind: 'counted', complete: true, inputShapes: { x: [1, 3, 64, 64] } });
    expect(small[b]).toMatchObject({ kind: 'counted', total: 16 * 129 * 16 + 16 * 2 });

    // New sizes: nothing is sent again, and det's count grows with its area.
    const large = await jobs.macsAt(signal, [a, b], { 'p2o.DynamicDimension.1': 128, 'p2o.DynamicDimension.2': 128 });
    expect(sent()).toBe(2);
    if (small[a]?.kind !== 'counted' || large[a]?.kind !== 'counted') throw new Error('expected counts');
    expect(large[a].total / small[a].total).toBeCloseTo(4, 1);

    // vad removed (its variant deleted), then asked for again: only it is sent.
    await jobs.macsAt(signal, [a], {});
    await jobs.macsAt(signal, [a, b], {});
    expect(sent()).toBe(3);
  });

  it('the worker answers null for a model it does not hold, and holds no bytes of the files it was sent', () => {
    const api = createAnalysisApi();
    const bytes = encodeModel(voiceActivity());
    expect(api.macsAt(['x'], {})).toEqual({ x: null });
    api.hold('x', { model: bytes, external: {} });
    bytes.fill(0); // the file's buffer can go: the skeleton copied what it needs
    expect(api.macsAt(['x'], { 'input[1]': 512 }).x).toMatchObject({ kind: 'counted', total: 16 * 129 * 16 + 16 * 2, complete: true });
  });
});
