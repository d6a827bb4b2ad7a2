import { sharedModel, type ReadonlyModelIR } from '../../ir/model';
import { checkpointFor } from '../../util/checkpoint';
import type { NodeProto } from '../../onnx/schema';
import { UnsupportedModelError } from '../../util/errors';
import { forEachCalibrationRun } from '../calibration/calibration-runs';
import { GPTQ_SAMPLES } from '../declarations/gptq-options';
import type { MethodContext } from '../types';
import { convGeometry, convPatchRows, convPlacement, type ConvGeometry } from './conv-patches';
import { InputHessian } from './input-hessian';
import { calibrationFeeds } from './layer-input-hessians';

/** A group-1 Conv whose weight GPTQ quantizes: the weight's name and dims, and the node reading it. */
export interface GptqConv {
  name: string;
  dims: readonly number[];
  node: NodeProto;
}

/**
 * GPTQ's input Hessian of each group-1 2-D Conv: H = Σ pᵀp over the im2col windows p of its input
 * (K = C x kh x kw, the order of the weight's [C, kh, kw] axes), in float64, one calibration run
 * at a time. Convs whose Hessian could not be measured are named in the warnings.
 */
export async function convInputHessians(model: ReadonlyModelIR, convs: readonly GptqConv[], ctx: MethodContext, method: string): Promise<{ hessians: Map<string, Float64Array>; warnings: string[] }> {
  const warnings: string[] = [];
  const hessians = new Map<string, Float64Array>();
  if (convs.length === 0) return { hessians, warnings };
  if (!ctx.openModel) throw new UnsupportedModelError(`${method} measures layer inputs by running the model, so the host must provide MethodContext.openModel (a runtime); none was given.`);
  const skipped: string[] = [];
  const byInput = new Map<string, { conv: GptqConv; geometry: ConvGeometry; h: InputHessian; broken?: string }[]>();
  for (const conv of convs) {
    const geometry = convGeometry(conv.node, conv.dims);
    if (typeof geometry === 'string' || geometry.groups !== 1) {
      skipped.push(`'${conv.name}' (${typeof geometry === 'string' ? geometry : 'a grouped Conv'})`);
      continue;
    }
    const input = conv.node.input[0]!;
    const list = byInput.get(input) ?? [];
    list.push({ conv, geometry, h: new InputHessian(conv.dims[1]! * conv.dims[2]! * conv.dims[3]!) });
    byInput.set(input, list);
  }
  const { inputs, warning } = calibrationFeeds(model, ctx, GPTQ_SAMPLES, method);
  if (warning) warnings.push(warning);
  const options = { ...(ctx.signal && { signal: ctx.signal }), ...(ctx.onProgress && { onProgress: ctx.onProgress }) };
  const check = checkpointFor(ctx);
  await forEachCalibrationRun(sharedModel(model), [...byInput.keys()], inputs, ctx.openModel, `${method}: measuring Conv inputs`, options, (name, values, dims) => {
    for (const entry of byInput.get(name) ?? []) {
      if (entry.broken) continue;
      const placed = convPlacement(entry.geometry, dims);
      if (typeof placed === 'string' || placed.channels !== entry.conv.dims[1]) {
        entry.broken = typeof placed === 'string' ? placed : `its input has ${placed.channels} channels, expected ${entry.conv.dims[1]}`;
        continue;
      }
      entry.h.add(convPatchRows(values, placed, entry.geometry, 0), check);
    }
  });
  for (const list of byInput.values()) {
    for (const e of list) {
      if (e.broken || e.h.rows === 0) skipped.push(`'${e.conv.name}' (${e.broken ?? 'its input did not come back as float32'})`);
      else hessians.set(e.conv.name, e.h.symmetric());
    }
  }
  if (skipped.length > 0) warnings.push(`Rounded ${skipped.length} Conv weight(s) to nearest instead of GPTQ: ${skipped.slice(0, 5).join(', ')}${skipped.length > 5 ? ', ...' : ''}.`);
  return { hessians, warnings };
}
