import type { ReadonlyModelIR } from '../../ir/model';
import type { NodeProto } from '../../onnx/schema';
import { quantizeInt4, type Int4Quantized, type WeightMatrix } from '../kernels/quantize-int4';
import type { MethodContext } from '../types';
import { GPTQ_SAMPLES } from '../declarations/gptq-options';
import { gptqInt4, type GptqSettings } from './gptq-int4';
import { calibrationFeeds, collectInputHessians } from './layer-input-hessians';

/** One weight to quantize with GPTQ: its name, K and the nodes that read it with their data input first. */
export interface GptqWeight {
  name: string;
  k: number;
  readers: readonly { node: NodeProto; transA: boolean }[];
}

/**
 * Measures the input Hessian of every weight GPTQ can handle (all readers in the main graph, data
 * input not transposed) and sums it over the weight's readers. Returns the Hessians by weight name
 * and warnings for the weights left to round-to-nearest.
 */
export async function weightHessians(model: ReadonlyModelIR, weights: readonly GptqWeight[], ctx: MethodContext, method: string): Promise<{ hessians: Map<string, Float64Array>; warnings: string[] }> {
  const main = new Set(model.graph?.node ?? []);
  const warnings: string[] = [];
  const features = new Map<string, number>();
  const usable: GptqWeight[] = [];
  const skipped: string[] = [];
  for (const w of weights) {
    const why = w.readers.some((r) => !main.has(r.node)) ? 'read inside a subgraph' : w.readers.some((r) => r.transA) ? 'read by a Gemm with transA' : undefined;
    if (why) {
      skipped.push(`'${w.name}' (${why})`);
      continue;
    }
    usable.push(w);
    for (const r of w.readers) features.set(r.node.input[0]!, w.k);
  }
  const hessians = new Map<string, Float64Array>();
  if (usable.length > 0) {
    const { inputs, warning } = calibrationFeeds(model, ctx, GPTQ_SAMPLES, method);
    if (warning) warnings.push(warning);
    const measured = await collectInputHessians(model, features, inputs, ctx, `${method}: measuring layer inputs`);
    for (const w of usable) {
      const names = [...new Set(w.readers.map((r) => r.node.input[0]!))];
      const parts = names.map((n) => measured.get(n));
      if (parts.some((p) => p === undefined || p.k !== w.k)) {
        skipped.push(`'${w.name}' (its input did not come back as float32 rows of ${w.k})`);
        continue;
      }
      const sum = parts[0]!.symmetric();
      for (const p of parts.slice(1)) {
        const h = p!.symmetric();
        for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! + h[i]!;
      }
      hessians.set(w.name, sum);
    }
  }
  if (skipped.length > 0) warnings.push(`Rounded ${skipped.length} weight(s) to nearest instead of GPTQ: ${skipped.slice(0, 5).join(', ')}${skipped.length > 5 ? ', ...' : ''}.`);
  return { hessians, warnings };
}

/**
 * quantizeInt4 with GPTQ's block parameters and codes (the stored form and error figures as
 * round-to-nearest's), or undefined with the reason when GPTQ cannot factor this layer's Hessian.
 */
export function quantizeInt4Gptq(w: WeightMatrix, blockSize: number, symmetric: boolean, hessian: Float64Array, settings: GptqSettings): Int4Quantized | string {
  const r = gptqInt4(w, blockSize, symmetric, hessian, settings);
  if (typeof r === 'string') return r;
  return quantizeInt4(w, { blockSize, symmetric, blockParams: () => r.params, assignCodes: (_w, _g, _p, packed) => packed.set(r.packed) });
}
