import { comparableTensors, exposeTensors } from '../core/evaluate/intermediate-tensors';
import { metricsAccumulator } from '../core/evaluate/metrics';
import type { Feeds } from '../core/evaluate/tensor-data';
import type { ModelIR } from '../core/ir/model';
import { encodeModel } from '../core/onnx/encode';
import { throwIfAborted } from '../core/util/abort';
import type { LongCallOptions } from '../core/util/progress';
import type { Backend, ModelSession, Runtime } from './types';
import type { LayerError } from '../core/evaluate/per-layer-result';

export type { LayerError };

export interface PerLayerOptions extends LongCallOptions {
  backend?: Backend;
  threads?: number;
  /** Compare only these tensors (default: every activation both models share). */
  tensors?: readonly string[];
}

const FLOAT_DTYPES = new Set(['float32', 'float16', 'float64']);

/** Only the float tensors of one run: shapes and indices are not activations to score. */
function floats(feeds: Feeds, wanted: ReadonlySet<string>): Feeds {
  const out: Feeds = {};
  for (const [name, t] of Object.entries(feeds)) if (wanted.has(name) && FLOAT_DTYPES.has(t.dtype)) out[name] = t;
  return out;
}

/** Relative noise power of an SQNR in dB (0 for an exact tensor). */
function noiseRatio(sqnrDb: number): number {
  return sqnrDb === Infinity ? 0 : 10 ** (-sqnrDb / 10);
}

/** See LayerError.localSqnrDb. */
export function localSqnrDb(sqnrDb: number, inputSqnrDb: readonly number[]): number {
  const carried = Math.max(0, ...inputSqnrDb.map(noiseRatio));
  if (!Number.isFinite(carried)) return sqnrDb;
  const added = noiseRatio(sqnrDb) - carried;
  return added <= 0 ? Infinity : -10 * Math.log10(added);
}

/**
 * The quantization debugger (ORT's qdq_loss_debug in Python): both models run with every
 * activation they share exposed as an output, on the same inputs, and each activation's SQNR
 * (and cosine, errors) is pooled over the samples. Returned in the reference's execution order;
 * the layer that breaks is the first with a low SQNR. Both sessions stay open while the samples
 * run, one sample's tensors at a time.
 */
export async function perLayerErrors(
  runtime: Runtime,
  reference: ModelIR,
  candidate: ModelIR,
  inputs: readonly Feeds[],
  options: PerLayerOptions = {},
): Promise<LayerError[]> {
  const { signal, onProgress, backend, threads } = options;
  const only = options.tensors ? new Set(options.tensors) : undefined;
  const layers = comparableTensors(reference, candidate).filter((l) => !only || only.has(l.tensor));
  const names = layers.map((l) => l.tensor);
  const wanted = new Set(names);
  const sessionOptions = { ...(backend && { backend }), ...(threads !== undefined && { threads }) };
  onProgress?.({ kind: 'phase', phase: 'per-layer: load' });
  throwIfAborted(signal);
  const sessions: ModelSession[] = [];
  try {
    sessions.push(await runtime.createSession(encodeModel(exposeTensors(reference, names)), sessionOptions));
    sessions.push(await runtime.createSession(encodeModel(exposeTensors(candidate, names)), sessionOptions));
    const [ref, cand] = sessions as [ModelSession, ModelSession];
    const acc = metricsAccumulator();
    for (const [index, feeds] of inputs.entries()) {
      throwIfAborted(signal);
      onProgress?.({ kind: 'step', phase: 'per-layer', index, total: inputs.length });
      const r = floats(await ref.run(feeds), wanted);
      const c = await cand.run(feeds);
      const cOut: Feeds = {};
      for (const name of Object.keys(r)) if (c[name]) cOut[name] = c[name];
      acc.add(r, cOut);
    }
    const byName = new Map(acc.finish().map((m) => [m.name, m]));
    return layers.flatMap((l) => {
      const m = byName.get(l.tensor);
      if (!m) return [];
      const { name: _name, ...metrics } = m;
      const inputSqnr = l.inputs.map((i) => byName.get(i)?.sqnrDb).filter((v): v is number => v !== undefined);
      return [{ ...l, ...metrics, localSqnrDb: localSqnrDb(m.sqnrDb, inputSqnr) }];
    });
  } finally {
    for (const s of sessions) await s.release();
  }
}
