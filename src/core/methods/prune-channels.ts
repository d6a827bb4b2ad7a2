import { attr } from '../ir/build';
import { patch } from '../ir/edit';
import { sharedModel, type ReadonlyModelIR } from '../ir/model';
import { makeFloatTensor, readFloat32, tensorDims } from '../ir/tensor';
import { editModel } from '../graph/edit-session';
import { changeableNodes } from '../graph/node-patterns';
import type { StoredWeight } from '../graph/weight-uses';
import type { NodeProto } from '../onnx/schema';
import { checkpointFor, type Checkpoint } from '../util/checkpoint';
import { RecipeError } from '../util/errors';
import type { LayerChange } from './changes';
import { PRUNE_CHANNELS_OPTIONS, pruneChannelsDeclaration, type PruneChannelsOptions } from './declarations/prune-channels';
import { channelGroups, type ChannelGroup } from './prune/channel-groups';
import { channelsToKeep, keepAlongAxis, sliceNorms } from './prune/channel-cut';
import { activationImportance } from './prune/channel-activation-importance';
import { resolveOptions } from './resolve-options';
import { unchangedOutcome } from './unchanged';
import type { ChannelMap, MethodContext, MethodModule, MethodOutcome } from './types';

const label = (n: NodeProto): string => n.name || n.output[0] || n.opType;

/** How many of a group's channels stay: the ratio removed, then rounded up to a multiple of roundTo. */
export function keptChannels(channels: number, o: Pick<PruneChannelsOptions, 'ratio' | 'roundTo'>): number {
  const kept = channels - Math.floor(o.ratio * channels + 1e-9);
  return Math.min(channels, Math.ceil(kept / o.roundTo) * o.roundTo);
}

function importance(group: ChannelGroup, kind: 'l1' | 'l2', check: Checkpoint): Float64Array {
  const total = new Float64Array(group.channels);
  for (const cut of group.cuts) {
    if (cut.role !== 'producer') continue;
    const norms = sliceNorms(readFloat32(cut.weight.tensor, check), tensorDims(cut.weight.tensor), cut.axis, kind, check);
    for (let c = 0; c < total.length; c++) total[c]! += norms[c]!;
  }
  return total;
}

/** How many channels the group whose Concat segment starts at `offset` of the weight's axis has. */
function groupLength(groups: readonly ChannelGroup[], weight: StoredWeight, axis: number, offset: number): number {
  for (const g of groups) for (const c of g.cuts) if (c.weight === weight && c.axis === axis && c.segment?.offset === offset) return c.segment.length;
  return 1;
}

interface PlannedCut {
  weight: StoredWeight;
  steps: { axis: number; keep: number[] }[];
}

async function prune(model: ReadonlyModelIR, o: PruneChannelsOptions, ctx: MethodContext): Promise<MethodOutcome> {
  const { onProgress } = ctx;
  const check = checkpointFor(ctx);
  check();
  onProgress?.({ kind: 'phase', phase: 'prune-channels: resolving dependency groups' });
  const warnings: string[] = [];
  const changeable = changeableNodes(o.excludeNodes, ctx.nodeScope);
  const groups = channelGroups(model);
  const measured = o.importance === 'activation' ? await activationImportance(model, groups.filter((g) => !g.blocked), ctx, warnings) : undefined;
  const left: string[] = [];
  const cuts = new Map<string, PlannedCut>();
  const depthwise = new Map<NodeProto, number>();
  const values = new Set<string>();
  const changes: LayerChange[] = [];
  const channelMaps: ChannelMap[] = [];
  const segmented = new Map<string, { weight: StoredWeight; axis: number; parts: { offset: number; keep: number[] }[] }>();
  for (const group of groups) {
    const names = group.producers.map(label).join(', ');
    const excluded = group.producers.filter((p) => !changeable(label(p)));
    const reason = group.blocked ?? (excluded.length > 0 ? `${excluded.map(label).join(', ')} excluded` : undefined);
    if (reason) {
      left.push(`${names} (${group.channels} channels): ${reason}`);
      continue;
    }
    const kept = keptChannels(group.channels, o);
    if (kept < 1) {
      throw new RecipeError(`prune-channels: ratio ${o.ratio} would remove all ${group.channels} channels of ${names}; expected a ratio that keeps at least one.`);
    }
    if (kept === group.channels) continue;
    const keep = channelsToKeep(measured?.get(group) ?? importance(group, o.importance === 'l1' ? 'l1' : 'l2', check), kept);
    for (const cut of group.cuts) {
      if (cut.segment) {
        // Beside other groups' channels (a Concat): settled once every group has chosen, below.
        const key = `${cut.weight.name}\n${cut.axis}`;
        const s = segmented.get(key) ?? { weight: cut.weight, axis: cut.axis, parts: [] };
        s.parts.push({ offset: cut.segment.offset, keep });
        segmented.set(key, s);
        continue;
      }
      const planned = cuts.get(cut.weight.name) ?? { weight: cut.weight, steps: [] };
      const b = cut.block ?? 1;
      planned.steps.push({ axis: cut.axis, keep: b === 1 ? keep : keep.flatMap((c) => Array.from({ length: b }, (_, j) => c * b + j)) });
      cuts.set(cut.weight.name, planned);
    }
    for (const n of group.depthwise) depthwise.set(n, kept);
    group.values.forEach((v) => values.add(v));
    for (const p of group.producers) changes.push({ kind: 'channels-removed', name: label(p), before: group.channels, after: kept });
    for (const p of [...group.producers, ...group.depthwise]) channelMaps.push({ node: label(p), kept: keep });
  }
  for (const { weight, axis, parts } of segmented.values()) {
    // The axis in order: each cut group's kept channels at its offset, every other channel as it is.
    const length = tensorDims(weight.tensor)[axis]!;
    const byOffset = new Map(parts.map((p) => [p.offset, p.keep]));
    const keep: number[] = [];
    for (let c = 0; c < length; ) {
      const part = byOffset.get(c);
      const span = part ? groupLength(groups, weight, axis, c) : 1;
      if (part) for (const k of part) keep.push(c + k);
      else keep.push(c);
      c += span;
    }
    const planned = cuts.get(weight.name) ?? { weight, steps: [] };
    planned.steps.push({ axis, keep });
    cuts.set(weight.name, planned);
  }
  if (left.length > 0) warnings.push(`Left ${left.length} channel group(s) as they are: ${left.slice(0, 8).join('; ')}${left.length > 8 ? '; ...' : ''}.`);
  if (cuts.size === 0) return unchangedOutcome(model, o.ratio === 0 ? 'Ratio 0 removes no channel' : 'No channel group could be cut', warnings);

  onProgress?.({ kind: 'phase', phase: 'prune-channels: cutting tensors' });
  const graph = sharedModel(model).graph!;
  const result = editModel(model, (session) => {
    for (const { weight, steps } of cuts.values()) {
      let cur = { values: readFloat32(weight.tensor, check) as Float32Array<ArrayBuffer>, dims: tensorDims(weight.tensor) };
      for (const s of steps) cur = keepAlongAxis(cur.values, cur.dims, s.axis, s.keep, check);
      const constantName = weight.constantIndex === undefined ? '' : weight.graph.node[weight.constantIndex]!.name;
      session.replaceStored(weight, makeFloatTensor(weight.name, cur.dims, cur.values), constantName);
    }
    for (const [n, kept] of depthwise) {
      session.updateNode(n, (cur) => patch(cur, { attribute: [...cur.attribute.filter((a) => a.name !== 'group'), attr('group', kept)] }));
    }
    // Declared shapes of the cut feature maps are stale; the runtime infers them again.
    const valueInfo = graph.valueInfo.filter((v) => !values.has(v.name));
    if (valueInfo.length !== graph.valueInfo.length) session.setDeclarations(graph, { valueInfo: [...valueInfo] });
  });
  return { model: result, tensors: cuts.size, warnings, changes, channelMaps };
}

export const pruneChannels: MethodModule<typeof PRUNE_CHANNELS_OPTIONS> = {
  ...pruneChannelsDeclaration,
  async apply(model, options, ctx = {}) {
    return prune(model, resolveOptions(pruneChannelsDeclaration.id, PRUNE_CHANNELS_OPTIONS, options), ctx);
  },
};
