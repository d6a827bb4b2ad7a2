import { describe, expect, it } from 'vitest';
import { createTeacher } from '../../../src/core/recipe';
import { synthesizeModelInputs } from '../../../src/core/evaluate/inputs';
import { decodeModel } from '../../../src/core/onnx/decode';
import type { OpenModel } from '../../../src/core/methods/types';
import { modelOpener } from '../../../src/runtime/calibrate';
import { createNodeRuntime } from '../../../src/runtime/node';
import { mlp } from '../../fixtures/models';

describe('the teacher a host builds for methods', () => {
  it('runs the original model for intermediate activations, loading once per set of names', async () => {
    const model = mlp();
    const opened: string[][] = [];
    const released: number[] = [];
    const runtimeOpen = modelOpener(createNodeRuntime());
    const openModel: OpenModel = async (bytes) => {
      opened.push(decodeModel(bytes as Uint8Array<ArrayBuffer>).graph!.output.map((o) => o.name));
      const session = await runtimeOpen(bytes);
      return { run: (feeds, names) => session.run(feeds, names), release: async () => (released.push(opened.length), session.release()) };
    };
    const teacher = createTeacher(model, openModel);
    expect(teacher.model).toBe(model);
    expect(opened).toEqual([]);
    const [feeds] = synthesizeModelInputs(model, { seed: 3, count: 1 });
    const hidden = model.graph!.node[0]!.output[0]!;
    const first = await teacher.activations(feeds!, [hidden]);
    const again = await teacher.activations(feeds!, [hidden]);
    expect(first[hidden]!.dims.length).toBeGreaterThan(0);
    expect(again[hidden]!.data).toEqual(first[hidden]!.data);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toContain(hidden);
    const output = model.graph!.output[0]!.name;
    await teacher.activations(feeds!, [output]);
    expect(opened).toHaveLength(2);
    expect(released).toEqual([1]);
    await teacher.release();
    expect(released).toEqual([1, 2]);
  });

});
