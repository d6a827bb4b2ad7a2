import { attrInts, attrString } from '../../graph/attrs';
import { sharedModel, type ReadonlyModelIR } from '../../ir/model';
import type { Feeds } from '../../evaluate/tensor-data';
import { UnsupportedModelError } from '../../util/errors';
import { forEachCalibrationRun } from '../calibration/calibration-runs';
import { InputHessian } from '../distill/input-hessian';
import type { MethodContext } from '../types';
import type { LowRankLayer } from './candidates';

/**
 * Σ xxᵀ of a 1x1 Conv's input channel vectors at the positions the Conv reads (its strides and
 * begin pads applied; padded positions are zeros and add nothing), over every sample.
 */
export class ConvInputMoments {
  readonly h: Float64Array;
  /** Channel vectors added so far. */
  rows = 0;

  constructor(
    readonly k: number,
    private readonly strides: readonly number[],
    private readonly padsBegin: readonly number[],
  ) {
    this.h = new Float64Array(k * k);
  }

  /** Adds one [N, C, ...spatial] activation; false when its channel count is not K. */
  add(values: ArrayLike<number>, dims: readonly number[]): boolean {
    const { k, h } = this;
    if (dims.length < 3 || dims[1] !== k) return false;
    const spatial = dims.slice(2);
    // Flat offsets of the positions read, dimension by dimension.
    let offsets = [0];
    for (const [d, size] of spatial.entries()) {
      const stride = this.strides[d] ?? 1;
      const begin = this.padsBegin[d] ?? 0;
      const along: number[] = [];
      for (let i = -begin; i < size; i += stride) if (i >= 0) along.push(i);
      offsets = offsets.flatMap((o) => along.map((i) => o * size + i));
    }
    const plane = spatial.reduce((a, b) => a * b, 1);
    const x = new Float64Array(k);
    this.rows += dims[0]! * offsets.length;
    for (let b = 0; b < dims[0]!; b++) {
      const base = b * k * plane;
      for (const o of offsets) {
        for (let c = 0; c < k; c++) x[c] = values[base + c * plane + o]!;
        for (let i = 0; i < k; i++) {
          const xi = x[i]!;
          if (xi === 0) continue;
          const ri = i * k;
          for (let j = i; j < k; j++) h[ri + j] = h[ri + j]! + xi * x[j]!;
        }
      }
    }
    return true;
  }

  symmetric(): Float64Array {
    const { k, h } = this;
    const out = Float64Array.from(h);
    for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) out[j * k + i] = h[i * k + j]!;
    return out;
  }
}

interface Accumulator {
  layer: LowRankLayer;
  seen?: boolean;
  add(values: Float32Array, dims: readonly number[]): boolean;
  symmetric(): Float64Array;
  rows(): number;
}

/** A layer's measured input second moments and how many input vectors they sum. */
export interface LayerMoments {
  h: Float64Array;
  rows: number;
}

function accumulatorFor(layer: LowRankLayer): Accumulator {
  if (layer.form.op === 'Conv') {
    const spatial = layer.form.spatial;
    const autoPad = attrString(layer.node, 'auto_pad') ?? 'NOTSET';
    const pads = autoPad === 'NOTSET' ? (attrInts(layer.node, 'pads') ?? []) : [];
    const m = new ConvInputMoments(layer.k, attrInts(layer.node, 'strides') ?? [], pads.slice(0, spatial));
    return { layer, add: (v, d) => m.add(v, d), symmetric: () => m.symmetric(), rows: () => m.rows };
  }
  const m = new InputHessian(layer.k);
  return { layer, add: (v) => m.add(v), symmetric: () => m.symmetric(), rows: () => m.rows };
}

/**
 * H = XᵀX of each layer's input (K x K) measured on the calibration samples, one run at a time:
 * MatMul and Gemm rows of K features, Conv channel vectors at the positions it reads. Layers
 * whose input never came back as float32 of the expected shape are missing from the result.
 */
export async function layerInputMoments(model: ReadonlyModelIR, layers: readonly LowRankLayer[], inputs: readonly Feeds[], ctx: MethodContext, phase: string): Promise<Map<LowRankLayer, LayerMoments>> {
  if (!ctx.openModel) {
    throw new UnsupportedModelError(`${phase} measures layer inputs by running the model, so the host must provide MethodContext.openModel (a runtime); none was given.`);
  }
  const byValue = new Map<string, Accumulator[]>();
  for (const layer of layers) {
    const name = layer.node.input[0]!;
    byValue.set(name, [...(byValue.get(name) ?? []), accumulatorFor(layer)]);
  }
  const broken = new Set<Accumulator>();
  const options = { ...(ctx.signal && { signal: ctx.signal }), ...(ctx.onProgress && { onProgress: ctx.onProgress }) };
  await forEachCalibrationRun(sharedModel(model), [...byValue.keys()], inputs, ctx.openModel, phase, options, (name, values, dims) => {
    for (const acc of byValue.get(name) ?? []) {
      acc.seen = true;
      if (!broken.has(acc) && !acc.add(values, dims)) broken.add(acc);
    }
  });
  const out = new Map<LowRankLayer, LayerMoments>();
  for (const list of byValue.values()) for (const acc of list) if (acc.seen && !broken.has(acc)) out.set(acc.layer, { h: acc.symmetric(), rows: acc.rows() });
  return out;
}
