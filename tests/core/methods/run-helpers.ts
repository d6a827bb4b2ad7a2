import { encodeModel } from '../../../src/core/onnx/encode';
import { listNodes } from '../../../src/core/ir/walk';
import { patch } from '../../../src/core/ir/edit';
import { valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import type { ModelIR } from '../../../src/core/ir/model';
import type { Feeds } from '../../../src/core/evaluate/tensor-data';
import { seededRandom } from '../../../src/core/util/random';
import type { Runtime } from '../../../src/runtime/types';

/** Seeded float inputs (and false for bool flags) with the given dims per input name. */
export function seededFeeds(shapes: Record<string, { dtype: 'float32' | 'bool'; dims: number[] }>, seed = 7): Feeds {
  const rnd = seededRandom(seed);
  const feeds: Feeds = {};
  for (const [name, { dtype, dims }] of Object.entries(shapes)) {
    const n = dims.reduce((a, b) => a * b, 1);
    feeds[name] =
      dtype === 'bool'
        ? { dtype, dims, data: Uint8Array.from({ length: n }, () => (rnd.next() < 0.5 ? 1 : 0)) }
        : { dtype, dims, data: Float32Array.from({ length: n }, () => rnd.normal()) };
  }
  return feeds;
}

export async function runModel(runtime: Runtime, model: ModelIR, feeds: Feeds): Promise<Feeds> {
  const session = await runtime.createSession(encodeModel(model));
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

/** Every input through one session of the model, in order. */
export async function runAll(runtime: Runtime, model: ModelIR, inputs: readonly Feeds[]): Promise<Feeds[]> {
  const session = await runtime.createSession(encodeModel(model));
  try {
    const out: Feeds[] = [];
    for (const feeds of inputs) out.push(await session.run(feeds));
    return out;
  } finally {
    await session.release();
  }
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  if (aa === 0 && bb === 0) return 1;
  return ab / Math.sqrt(aa * bb);
}

/** Lowest output cosine between two runs' float outputs. */
export function worstCosine(ref: Feeds, cand: Feeds): number {
  let worst = 1;
  for (const [name, t] of Object.entries(ref)) {
    const c = cand[name];
    if (!c) throw new Error(`candidate lacks output '${name}'`);
    worst = Math.min(worst, cosine(t.data as Float32Array, c.data as Float32Array));
  }
  return worst;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((v, i) => v === b[i]);
}

/** Also exposes the input of the final activation (the logits), where the signal is. */
export function withLogits(m: ModelIR): { model: ModelIR; logits: string; output: string } {
  const g = m.graph!;
  const output = g.output[0]!.name;
  const last = g.node.find((n) => n.output.includes(output))!;
  const logits = last.input[0]!;
  return { model: patch(m, { graph: patch(g, { output: [...g.output, valueInfo(logits, DT.FLOAT, undefined)] }) }), logits, output };
}

/** Seeded normal values times `scale`, for test weights. */
export function randn(seed: number, n: number, scale = 0.2): Float32Array<ArrayBuffer> {
  const r = seededRandom(seed);
  return Float32Array.from({ length: n }, () => r.normal() * scale);
}

/** The op types of every node, subgraphs included. */
export function ops(m: ModelIR): string[] {
  return listNodes(m).map(({ node: n }) => n.opType);
}
