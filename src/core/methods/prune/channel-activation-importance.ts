import { sharedModel, type ReadonlyModelIR } from '../../ir/model';
import { readFloat32, tensorDims } from '../../ir/tensor';
import { UnsupportedModelError } from '../../util/errors';
import { calibrationFeeds } from '../distill/layer-input-hessians';
import { CHANNEL_ACTIVATION_SAMPLES } from '../declarations/prune-channels';
import type { MethodContext } from '../types';
import { collectChannelNorms, type NormRequest } from './activation-norms';
import { sliceNorms } from './channel-cut';
import type { ChannelGroup, CutTensor } from './channel-groups';

interface Reader {
  activation: string;
  weightNorms: Float64Array;
  /** Where group channel c sits along the reader's input axis: one position, or a Flatten's block of them. */
  positions: (c: number) => number[];
}

/** Where each group channel sits along a consumer's input axis: at a Concat offset, inside a Split/Slice window, or as a Flatten block. */
function positionsOf(cut: CutTensor): (c: number) => number[] {
  const offset = cut.segment?.offset ?? 0;
  const b = cut.block ?? 1;
  const w = cut.window;
  return (c) => {
    if (w && (c < w.offset || c >= w.offset + w.length)) return [];
    const at = w ? c - w.offset : c + offset;
    return b === 1 ? [at] : Array.from({ length: b }, (_, j) => at * b + j);
  };
}

/** The layers that read a group's channels (its consumer cuts): the activation each reads and its weights' L2 norm per input position. */
function readers(group: ChannelGroup): Reader[] {
  return group.cuts.flatMap((cut) => {
    if (cut.role !== 'consumer') return [];
    const node = cut.weight.uses[0]?.node;
    const activation = node?.input[0];
    if (!activation) return [];
    const norms = sliceNorms(readFloat32(cut.weight.tensor), tensorDims(cut.weight.tensor), cut.axis, 'l2').map(Math.sqrt);
    return [{ activation, weightNorms: norms, positions: positionsOf(cut) }];
  });
}

/**
 * Activation-aware importance of each cuttable group's channels: Σ over the layers that read the
 * group of ‖x_c‖·‖W[:, c]‖, the activation norm of channel c over the calibration samples times
 * the norm of the weights that multiply it (Wanda's score per input channel, summed over the
 * channel). This is what removing the channel takes from the next layers' inputs, so it sees
 * through a BatchNorm that rescales a filter. Groups nobody reads in a way this can measure are
 * missing from the result (the caller falls back to filter norms).
 */
export async function activationImportance(model: ReadonlyModelIR, groups: readonly ChannelGroup[], ctx: MethodContext, warnings: string[]): Promise<Map<ChannelGroup, Float64Array>> {
  if (!ctx.openModel) {
    throw new UnsupportedModelError('prune-channels with importance=activation runs the model on calibration samples; this host gave no way to run it (MethodContext.openModel). Use importance=l1 or l2.');
  }
  const byGroup = new Map(groups.map((g) => [g, readers(g)]));
  const requests = new Map<string, NormRequest>();
  for (const rs of byGroup.values()) {
    for (const r of rs) {
      const node = model.graph?.node.find((n) => n.input[0] === r.activation && (n.opType === 'Conv' || n.opType === 'MatMul' || n.opType === 'Gemm'));
      requests.set(r.activation, { tensor: r.activation, axis: node?.opType === 'Conv' ? 'second' : 'last' });
    }
  }
  const { inputs, warning } = calibrationFeeds(model, ctx, CHANNEL_ACTIVATION_SAMPLES, 'prune-channels (importance=activation)');
  if (warning) warnings.push(warning);
  const norms = await collectChannelNorms(sharedModel(model), [...requests.values()], inputs, ctx.openModel, ctx, 'prune-channels: activation norms');
  const out = new Map<ChannelGroup, Float64Array>();
  let fallback = 0;
  for (const [group, rs] of byGroup) {
    const parts = rs.map((r) => ({ x: norms.get(r.activation), w: r.weightNorms, positions: r.positions }));
    if (parts.length === 0 || parts.some((p) => !p.x || p.x.length !== p.w.length)) {
      fallback++;
      continue;
    }
    const total = new Float64Array(group.channels);
    for (const p of parts) {
      for (let c = 0; c < total.length; c++) for (const at of p.positions(c)) total[c]! += p.x![at]! * p.w[at]!;
    }
    out.set(group, total);
  }
  if (fallback > 0) warnings.push(`${fallback} channel group(s) had no reader whose input could be measured; their channels were ranked by filter L2 norm.`);
  return out;
}
