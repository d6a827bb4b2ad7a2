import { afterAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/core/onnx/encode';
import { encodeOutput } from '../../src/core/onnx/external-output';
import { seededRandom } from '../../src/core/util/random';
import { runtimeExternalData, RUNTIME_EXTERNAL_LIMIT_BYTES } from '../../src/runtime/encoded-session';
import { createThreadRuntime, type ThreadRuntime } from '../../src/runtime/thread-runtime';
import { createNodeRuntime } from '../../src/runtime/node';
import { verifyEncodedLoads } from '../../src/runtime/verify';
import { wideMlp } from '../fixtures/wide-mlp';

let thread: ThreadRuntime | undefined;
afterAll(async () => thread?.close());

describe('sessions over a model and its external data file', () => {
  const model = wideMlp(31, 128, 2);
  const out = encodeOutput(model, { inlineLimitBytes: 10_000, externalLocation: 'w.data' });
  const rnd = seededRandom(2);
  const feeds = { x: { dtype: 'float32' as const, dims: [1, 128], data: Float32Array.from({ length: 128 }, () => rnd.normal()) } };

  it('a runtime in a worker thread takes the data file with the model, and runs it like the inline model', async () => {
    thread = await createThreadRuntime(1);
    const run = async (bytes: Uint8Array, withData: boolean) => {
      const session = await thread!.createSession(bytes, withData ? { externalData: runtimeExternalData(out)! } : {});
      try {
        return (await session.run(feeds)).y!.data as Float32Array;
      } finally {
        await session.release();
      }
    };
    const expected = await run(encodeModel(model), false);
    const got = await run(out.model, true);
    expect(got.every((v, i) => v === expected[i])).toBe(true);
  });

  it('verifyEncodedLoads loads it with its data file, and without the file it is the runtime refusal', async () => {
    const runtime = createNodeRuntime();
    expect(await verifyEncodedLoads(runtime, out)).toBe(true);
    await expect(verifyEncodedLoads(runtime, { model: out.model })).rejects.toMatchObject({ name: 'RuntimeError' });
  });

  it('a data file past what onnxruntime-web takes is not joined or loaded: verifyEncodedLoads says so', async () => {
    const huge = { model: out.model, external: { location: 'w.data', size: RUNTIME_EXTERNAL_LIMIT_BYTES + 1, pieces: [] } };
    expect(runtimeExternalData(huge)).toBeUndefined();
    expect(await verifyEncodedLoads(createNodeRuntime(), huge)).toBe(false);
  });
});
