import { expect } from 'vitest';
import type { ModelIR } from '../../../src/core/ir/model';
import type { Feeds } from '../../../src/core/evaluate/tensor-data';
import type { Runtime } from '../../../src/runtime/types';
import { runModel } from './run-helpers';

/** Runs both models on `feeds`: every output of `after` has the dims of `before`'s and its values within `tolerance`. */
export async function expectSameOutputs(runtime: Runtime, before: ModelIR, after: ModelIR, feeds: Feeds, tolerance = 1e-5): Promise<void> {
  const a = await runModel(runtime, before, feeds);
  const b = await runModel(runtime, after, feeds);
  for (const [name, t] of Object.entries(a)) {
    expect(b[name]!.dims).toEqual(t.dims);
    const x = t.data as Float32Array;
    const y = b[name]!.data as Float32Array;
    let worst = 0;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
    expect(worst).toBeLessThan(tolerance);
  }
}
