import { sharedModel, type ReadonlyModelIR } from '../../ir/model';
import { readFloat32, tensorDims } from '../../ir/tensor';
import type { StoredWeight } from '../../graph/weight-uses';
import { UnsupportedModelError } from '../../util/errors';
import { calibrationFeeds } from '../distill/layer-input-hessians';
import { CHANNEL_ACTIVATION_SAMPLES, type PruneChannelsOptions } from '../declarations/prune-channels';
import type { MethodContext } from '../types';
import { collectChannelNorms } from './activation-norms';
import { attentionBlocks, type AttentionBlock } from './attention-heads';
import { planHeadCuts, type HeadPlan } from './attention-heads-cut';
import { sliceNorms } from './channel-cut';

export type { HeadPlan };

/**
 * Activation-aware head importance: for each head, Σ over its output-projection rows j of
 * ‖x_j‖·‖W[j, :]‖, the norm of the merged heads' feature j over the calibration samples times the
 * norm of the row that multiplies it. That is what removing the head takes from the projection's output.
 */
async function measuredHeads(model: ReadonlyModelIR, blocks: readonly AttentionBlock[], ctx: MethodContext, warnings: string[]): Promise<Map<AttentionBlock, Float64Array>> {
  if (!ctx.openModel) {
    throw new UnsupportedModelError('prune-channels with importance=activation runs the model on calibration samples; this host gave no way to run it (MethodContext.openModel). Use importance=l1 or l2.');
  }
  const requests = blocks.flatMap((b) => b.outputs.map((x) => ({ tensor: x.node.input[0]!, axis: 'last' as const })));
  if (requests.length === 0) return new Map();
  const { inputs, warning } = calibrationFeeds(model, ctx, CHANNEL_ACTIVATION_SAMPLES, 'prune-channels (importance=activation)');
  if (warning && !warnings.includes(warning)) warnings.push(warning);
  const norms = await collectChannelNorms(sharedModel(model), requests, inputs, ctx.openModel, ctx, 'prune-channels: head activation norms');
  const out = new Map<AttentionBlock, Float64Array>();
  for (const b of blocks) {
    const total = new Float64Array(b.heads);
    let ok = b.outputs.length > 0;
    for (const x of b.outputs) {
      const xs = norms.get(x.node.input[0]!);
      const w = sliceNorms(readFloat32(x.weight.tensor), tensorDims(x.weight.tensor), x.axis, 'l2').map(Math.sqrt);
      if (!xs || xs.length !== w.length) {
        ok = false;
        break;
      }
      for (let j = 0; j < w.length; j++) total[Math.floor(j / x.headDim)]! += xs[j]! * w[j]!;
    }
    if (ok) out.set(b, total);
    else warnings.push(`The merged heads of ${b.outputs.map((x) => x.node.name || x.node.opType).join(', ')} could not be measured; their heads were ranked by weight L2 norm.`);
  }
  return out;
}

/** The attention heads this prune-channels step removes (options.heads of each block), or why a block stays. */
export async function headsToCut(
  model: ReadonlyModelIR,
  o: PruneChannelsOptions,
  ctx: MethodContext,
  changeable: (name: string) => boolean,
  taken: (weight: StoredWeight, axis: number) => boolean,
  warnings: string[],
): Promise<HeadPlan> {
  const blocks = attentionBlocks(model);
  const open = blocks.filter((b) => !b.blocked);
  const measured = o.importance === 'activation' ? await measuredHeads(model, open, ctx, warnings) : undefined;
  return planHeadCuts(blocks, { ratio: o.heads, importance: o.importance === 'l1' ? 'l1' : 'l2', changeable, taken, ...(measured ? { measured } : {}) });
}
