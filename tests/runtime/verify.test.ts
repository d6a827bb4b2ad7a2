import { describe, expect, it } from 'vitest';
import { graph, model, node, valueInfo } from '../../src/core/ir/build';
import { DT } from '../../src/core/ir/dtype';
import { encodeModel } from '../../src/core/onnx/encode';
import { createNodeRuntime } from '../../src/runtime/node';
import { verifyModelLoads } from '../../src/runtime/verify';
import { mlp } from '../fixtures/models';

const runtime = createNodeRuntime();

describe('verifyModelLoads', () => {
  it('accepts a model onnxruntime-web loads', async () => {
    await expect(verifyModelLoads(runtime, encodeModel(mlp()))).resolves.toBeUndefined();
  });

  it("rejects one it cannot load with a RuntimeError carrying onnxruntime's reason", async () => {
    const broken = model(
      graph({
        nodes: [node('NoSuchOperator', ['x'], ['y'])],
        inputs: [valueInfo('x', DT.FLOAT, [1])],
        outputs: [valueInfo('y', DT.FLOAT, [1])],
      }),
    );
    await expect(verifyModelLoads(runtime, encodeModel(broken))).rejects.toMatchObject({
      name: 'RuntimeError',
      message: expect.stringMatching(/does not load in onnxruntime-web.*NoSuchOperator/s),
    });
  });
});
