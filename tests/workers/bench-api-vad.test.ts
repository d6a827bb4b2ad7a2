import { describe, expect, it } from 'vitest';
import { createBenchWorkerApi } from '../../workers/bench-api';
import { modelWorkerApi } from '../../workers/model-api';
import { encodeModel } from '../../src/core/onnx/encode';
import { createNodeRuntime } from '../../src/runtime/node';
import { speedRatioInterval } from '../../src/core/evaluate/ratio-interval';
import { voiceActivity, VAD_SAMPLES } from '../fixtures/voice-activity';

describe('the bench worker on a model with unnamed dims and a scalar input', () => {
  const api = createBenchWorkerApi({ runtime: async () => createNodeRuntime(), defaultThreads: async () => 1 });
  const original = { model: encodeModel(voiceActivity()), external: {} };

  it('fails at the guessed [1, 16] in its reflect Pad, and runs once the time axis and the sample rate are set', async () => {
    const atGuess = await api.measureAll([original], { runs: 2, warmup: 0, seed: 1 }).catch((e: Error) => e);
    expect(atGuess).toBeInstanceOf(Error);
    expect((atGuess as Error).message).toMatch(/Pad reflect: pre-pad \(64\) exceeds maximum allowed \(15\)/);

    const { bytes } = await modelWorkerApi.compress(original, { steps: [{ method: 'int8-weight', options: { minElements: 1 } }] });
    const variant = { model: bytes, external: {} };
    const options = { runs: 6, warmup: 1, seed: 1, dims: { 'input[1]': VAD_SAMPLES }, values: { sr: 16000 } };
    const items = await api.measureAll([original, variant], options);
    for (const item of items) {
      expect(item.ok).toBe(true);
      if (!item.ok) continue;
      expect(item.result.inputShapes).toEqual({ input: [1, VAD_SAMPLES], sr: [] });
      expect(item.result.samplesMs).toHaveLength(6);
    }
    const [a, b] = items.map((i) => (i.ok ? i.result.samplesMs! : []));
    const interval = speedRatioInterval(a!, b!, { paired: true });
    expect(interval.low).toBeLessThanOrEqual(interval.ratio);
    expect(interval.high).toBeGreaterThanOrEqual(interval.ratio);

    // Pooled over 16 inputs, the two-number output still gives a cosine over 32 numbers.
    const fidelity = await api.fidelity(original, variant, { seed: 42, samples: 16, dims: options.dims, values: options.values });
    expect(fidelity.samples).toBe(16);
    expect(fidelity.outputs[0]).toMatchObject({ name: 'prob', elements: 32 });
    expect(fidelity.outputs[0]!.cosine).toBeGreaterThan(0.99);
    expect(fidelity.outputs[0]!.cosine).toBeLessThanOrEqual(1 + 1e-6);
  });
});
