import { describe, expect, it } from 'vitest';
import { truncatedTo } from '../../../../src/core/methods/distill/truncated-model';
import { exposeTensors } from '../../../../src/core/evaluate/intermediate-tensors';
import { createNodeRuntime } from '../../../../src/runtime/node';
import { seededRandom } from '../../../../src/core/util/random';
import { mlp } from '../../../fixtures/models';
import { runModel } from '../run-helpers';

const runtime = createNodeRuntime();

describe('truncatedTo', () => {
  it('keeps only the nodes and initializers a value needs, and computes it exactly as the whole model does (onnxruntime-web)', async () => {
    const m = mlp();
    const cut = truncatedTo(m, ['a1']);
    expect(cut.graph!.node.map((n) => n.name)).toEqual(['fc1', 'relu1']);
    expect(cut.graph!.initializer.map((t) => t.name)).toEqual(['fc1.weight', 'fc1.bias']);
    expect(cut.graph!.output.map((v) => v.name)).toEqual(['a1']);
    expect(cut.graph!.input.map((v) => v.name)).toEqual(['x']);
    // The input model is not changed.
    expect(m.graph!.node).toHaveLength(4);
    const r = seededRandom(5);
    const feeds = { x: { dtype: 'float32' as const, dims: [3, 64], data: Float32Array.from({ length: 192 }, () => r.normal()) } };
    const whole = await runModel(runtime, exposeTensors(m, ['a1']), feeds);
    const part = await runModel(runtime, cut, feeds);
    expect(Object.keys(part)).toEqual(['a1']);
    expect(part.a1!.data).toEqual(whole.a1!.data);
  });
});
