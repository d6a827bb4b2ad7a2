/**
 * A seeded model fuzzer: each case mutates a fixture or real model (its bytes or its structure),
 * then runs it through decode, analyze, a compression method and encode. Every case must end in
 * a model or in one of the project's typed errors, and no case may run past a watchdog bound
 * (a hang detector set far above normal work, not a performance figure). Shared by the CI test
 * and `npm run fuzz -- --cases N`.
 */
import { create } from '@bufbuild/protobuf';
import { OperatorSetIdProtoSchema, type GraphProto, type ModelProto, type TensorProto } from '../../src/core/onnx/schema';
import { decodeModel } from '../../src/core/onnx/decode';
import { encodeModel } from '../../src/core/onnx/encode';
import { analyzeModel } from '../../src/core/analyze/summary';
import { methods } from '../../src/core/methods/registry';
import { patch } from '../../src/core/ir/edit';
import { DT } from '../../src/core/ir/dtype';
import { isFeatherweightError } from '../../src/core/util/errors';
import { seededRandom, type Random } from '../../src/core/util/random';
import { constantsInIf, convBnRelu, mlp, transformerBlock } from '../fixtures/models';
import { OCR_CLS, readOcrModel } from '../core/onnx/model-corpus';

export interface FuzzSource {
  name: string;
  bytes: Uint8Array<ArrayBuffer>;
}

export function fuzzSources(): FuzzSource[] {
  return [
    { name: 'mlp', bytes: encodeModel(mlp()) },
    { name: 'convBnRelu', bytes: encodeModel(convBnRelu()) },
    { name: 'transformerBlock', bytes: encodeModel(transformerBlock()) },
    { name: 'constantsInIf', bytes: encodeModel(constantsInIf()) },
    { name: 'paddleocr-cls', bytes: readOcrModel(OCR_CLS) },
  ];
}

export type FuzzResult = 'model' | 'typed error';

export interface FuzzCase {
  index: number;
  source: string;
  mutation: string;
  /** The method the decoded model went through, if it decoded. */
  method?: string;
  result: FuzzResult;
  /** Where it stopped with a typed error: decode, analyze, method or encode. */
  stage?: string;
  errorName?: string;
  ms: number;
}

/** A case that broke the contract: an untyped error or a run past the watchdog. */
export class FuzzFailure extends Error {
  override name = 'FuzzFailure';
}

type Mutation = { name: string; apply: (bytes: Uint8Array<ArrayBuffer>, rnd: Random) => Uint8Array<ArrayBuffer> };

const pick = <T>(rnd: Random, items: readonly T[]): T => items[rnd.int(0, items.length)]!;

/** Byte-level damage: what a bad download, a bad disk or a hand-edited file gives. */
const BYTE_MUTATIONS: Mutation[] = [
  {
    name: 'flip bytes',
    apply: (b, rnd) => {
      const out = b.slice();
      const n = rnd.int(1, 9);
      for (let i = 0; i < n; i++) out[rnd.int(0, out.length)] = rnd.int(0, 256);
      return out;
    },
  },
  { name: 'truncate', apply: (b, rnd) => b.slice(0, rnd.int(1, b.length)) },
  {
    name: 'insert bytes',
    apply: (b, rnd) => {
      const at = rnd.int(0, b.length);
      const extra = Uint8Array.from({ length: rnd.int(1, 16) }, () => rnd.int(0, 256));
      const out = new Uint8Array(b.length + extra.length);
      out.set(b.subarray(0, at));
      out.set(extra, at);
      out.set(b.subarray(at), at + extra.length);
      return out;
    },
  },
  {
    name: 'repeat a slice',
    apply: (b, rnd) => {
      const start = rnd.int(0, b.length);
      const len = Math.min(rnd.int(1, 64), b.length - start);
      const out = new Uint8Array(b.length + len);
      out.set(b.subarray(0, start + len));
      out.set(b.subarray(start, start + len), start + len);
      out.set(b.subarray(start + len), start + 2 * len);
      return out;
    },
  },
];

const DTYPES = [DT.FLOAT, DT.FLOAT16, DT.DOUBLE, DT.INT8, DT.UINT8, DT.INT32, DT.INT64, DT.STRING, DT.BOOL, DT.INT4, 0, 99];
const DIMS = [0n, 1n, -1n, 3n, 7n, 64n, 1n << 31n, 1n << 40n];

function mapTensor(m: ModelProto, rnd: Random, change: (t: TensorProto) => TensorProto): ModelProto {
  const g = m.graph!;
  if (g.initializer.length === 0) return m;
  const k = rnd.int(0, g.initializer.length);
  return patch(m, { graph: patch(g, { initializer: g.initializer.map((t, i) => (i === k ? change(t) : t)) }) });
}

function mapGraph(m: ModelProto, change: (g: GraphProto) => GraphProto): ModelProto {
  return patch(m, { graph: change(m.graph!) });
}

/** Structural damage that still encodes as valid protobuf: what a buggy exporter or a hostile author gives. */
const STRUCTURE_MUTATIONS: { name: string; apply: (m: ModelProto, rnd: Random) => ModelProto }[] = [
  { name: 'tensor dims', apply: (m, rnd) => mapTensor(m, rnd, (t) => patch(t, { dims: t.dims.map((d) => (rnd.next() < 0.5 ? pick(rnd, DIMS) : d)) })) },
  { name: 'tensor rank', apply: (m, rnd) => mapTensor(m, rnd, (t) => patch(t, { dims: rnd.next() < 0.5 ? t.dims.slice(1) : [...t.dims, 1n] })) },
  { name: 'tensor dtype', apply: (m, rnd) => mapTensor(m, rnd, (t) => patch(t, { dataType: pick(rnd, DTYPES) })) },
  { name: 'tensor payload', apply: (m, rnd) => mapTensor(m, rnd, (t) => patch(t, { rawData: t.rawData.slice(0, rnd.int(0, t.rawData.byteLength + 1)) })) },
  { name: 'tensor values', apply: (m, rnd) => mapTensor(m, rnd, (t) => patch(t, { rawData: Uint8Array.from(t.rawData, (v) => (rnd.next() < 0.01 ? 0xff : v)) })) },
  {
    name: 'drop a node',
    apply: (m, rnd) => mapGraph(m, (g) => (g.node.length === 0 ? g : patch(g, { node: g.node.filter((_, i) => i !== rnd.int(0, g.node.length)) }))),
  },
  {
    name: 'reverse the nodes',
    apply: (m) => mapGraph(m, (g) => patch(g, { node: [...g.node].reverse() })),
  },
  {
    name: 'rewire an input',
    apply: (m, rnd) =>
      mapGraph(m, (g) => {
        if (g.node.length === 0) return g;
        const k = rnd.int(0, g.node.length);
        const names = [...g.node.flatMap((n) => n.output), ...g.initializer.map((t) => t.name), 'missing', ''];
        return patch(g, {
          node: g.node.map((n, i) => (i !== k || n.input.length === 0 ? n : patch(n, { input: n.input.map((x) => (rnd.next() < 0.5 ? pick(rnd, names) : x)) }))),
        });
      }),
  },
  {
    name: 'change an op type',
    apply: (m, rnd) =>
      mapGraph(m, (g) => {
        if (g.node.length === 0) return g;
        const k = rnd.int(0, g.node.length);
        const ops = ['MatMul', 'Gemm', 'Conv', 'Concat', 'Reshape', 'Add', 'Cast', 'NoSuchOp', 'If'];
        return patch(g, { node: g.node.map((n, i) => (i === k ? patch(n, { opType: pick(rnd, ops) }) : n)) });
      }),
  },
  {
    name: 'drop attributes',
    apply: (m, rnd) => mapGraph(m, (g) => patch(g, { node: g.node.map((n) => (rnd.next() < 0.3 ? patch(n, { attribute: [] }) : n)) })),
  },
  {
    name: 'opset',
    apply: (m, rnd) => patch(m, { opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(pick(rnd, [1, 6, 10, 13, 21, 99])) })] }),
  },
  {
    name: 'duplicate an initializer',
    apply: (m, rnd) => mapGraph(m, (g) => (g.initializer.length === 0 ? g : patch(g, { initializer: [...g.initializer, g.initializer[rnd.int(0, g.initializer.length)]!] }))),
  },
  {
    name: 'input shape',
    apply: (m, rnd) =>
      mapGraph(m, (g) => {
        const [first, ...rest] = g.input;
        if (!first || first.type?.value.case !== 'tensorType') return g;
        const shape = first.type.value.value.shape;
        if (!shape) return g;
        const dim = shape.dim.map((d) => (rnd.next() < 0.5 ? patch(d, { value: { case: 'dimValue', value: pick(rnd, DIMS) } }) : d));
        const type = patch(first.type, { value: { case: 'tensorType', value: patch(first.type.value.value, { shape: patch(shape, { dim }) }) } });
        return patch(g, { input: [patch(first, { type }), ...rest] });
      }),
  },
];

/** Above anything a normal case takes (milliseconds; seconds for the real model on a busy machine). */
export const WATCHDOG_MS = 20_000;

async function stage<T>(name: string, run: () => Promise<T> | T): Promise<{ ok: true; value: T } | { ok: false; stage: string; errorName: string }> {
  try {
    return { ok: true, value: await run() };
  } catch (e) {
    if (isFeatherweightError(e)) return { ok: false, stage: name, errorName: e.name };
    const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    throw new FuzzFailure(`${name} threw an untyped error (${what})`);
  }
}

/** The input of case `index`: which source, how it was mutated, the bytes, and the method it goes through. */
export function fuzzCaseInput(sources: readonly FuzzSource[], seed: number, index: number) {
  const rnd = seededRandom((seed * 0x9e3779b1 + index) >>> 0);
  // The real model is large: a tenth of the cases, so the fixtures get most of the time.
  const source = rnd.next() < 0.1 ? sources[sources.length - 1]! : sources[rnd.int(0, sources.length - 1)]!;
  let bytes = source.bytes;
  let mutation: string;
  if (rnd.next() < 0.4) {
    const m = pick(rnd, BYTE_MUTATIONS);
    mutation = m.name;
    bytes = m.apply(bytes, rnd);
  } else {
    const m = pick(rnd, STRUCTURE_MUTATIONS);
    mutation = m.name;
    bytes = encodeModel(m.apply(decodeModel(source.bytes), rnd));
  }
  return { source, mutation, bytes, method: pick(rnd, methods) };
}

/** Runs case `index` of the fuzz with `seed`; throws FuzzFailure when the case breaks the contract. */
export async function runFuzzCase(sources: readonly FuzzSource[], seed: number, index: number): Promise<FuzzCase> {
  const { source, mutation, bytes, method } = fuzzCaseInput(sources, seed, index);
  const start = performance.now();
  const done = (c: Omit<FuzzCase, 'index' | 'source' | 'mutation' | 'ms'>): FuzzCase => {
    const ms = performance.now() - start;
    if (ms > WATCHDOG_MS) throw new FuzzFailure(`case ${index} (${source.name}, ${mutation}) ran ${Math.round(ms)} ms, past the ${WATCHDOG_MS} ms watchdog`);
    return { index, source: source.name, mutation, ms, ...c };
  };
  try {
    const decoded = await stage('decode', () => decodeModel(bytes));
    if (!decoded.ok) return done({ result: 'typed error', stage: decoded.stage, errorName: decoded.errorName });
    const analyzed = await stage('analyze', () => analyzeModel(decoded.value, bytes.byteLength));
    if (!analyzed.ok) return done({ result: 'typed error', stage: analyzed.stage, errorName: analyzed.errorName });
    if (analyzed.value.macs.total < 0) throw new FuzzFailure(`analyze reported negative MACs (${analyzed.value.macs.total})`);
    const applied = await stage('method', () => method.apply(decoded.value, {}, {}));
    if (!applied.ok) return done({ method: method.id, result: 'typed error', stage: applied.stage, errorName: applied.errorName });
    const encoded = await stage('encode', () => encodeModel(applied.value.model));
    if (!encoded.ok) return done({ method: method.id, result: 'typed error', stage: encoded.stage, errorName: encoded.errorName });
    return done({ method: method.id, result: 'model' });
  } catch (e) {
    if (e instanceof FuzzFailure) e.message = `case ${index} (seed ${seed}, ${source.name}, ${mutation}, ${method.id}): ${e.message}`;
    throw e;
  }
}

export interface FuzzTotals {
  cases: number;
  models: number;
  typedErrors: Record<string, number>;
  byStage: Record<string, number>;
  maxMs: number;
  totalMs: number;
}

export function tally(cases: readonly FuzzCase[]): FuzzTotals {
  const totals: FuzzTotals = { cases: cases.length, models: 0, typedErrors: {}, byStage: {}, maxMs: 0, totalMs: 0 };
  for (const c of cases) {
    if (c.result === 'model') totals.models++;
    else {
      totals.typedErrors[c.errorName!] = (totals.typedErrors[c.errorName!] ?? 0) + 1;
      totals.byStage[c.stage!] = (totals.byStage[c.stage!] ?? 0) + 1;
    }
    totals.maxMs = Math.max(totals.maxMs, c.ms);
    totals.totalMs += c.ms;
  }
  return totals;
}
