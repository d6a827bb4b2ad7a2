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
import { headsToCut, type HeadPlan } from './prune/attention-heads-plan';
import { applyShapeEdits } from './prune/attention-heads-cut';
import { applyWindowEdit, keptInWindow, type WindowEdit } from './prune/channel-windows';
import { windowedKeep } from './prune/windowed-keep';
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
  let left: string[] = [];
  const cuts = new Map<string, PlannedCut>();
  /** Depthwise Convs whose filters are cut: their `group` and channel map follow their weight's kept filters. */
  const depthwise = new Set<NodeProto>();
  const windowEdits: { edit: WindowEdit; keep: number[] }[] = [];
  const values = new Set<string>();
  const changes: LayerChange[] = [];
  const channelMaps: ChannelMap[] = [];
  const segmented = new Map<string, { weight: StoredWeight; axis: number; parts: { offset: number; keep: number[] }[] }>();
  const leftGroups = new Map<string, ChannelGroup>();
  for (const group of groups) {
    const names = group.producers.map(label).join(', ');
    const excluded = group.producers.filter((p) => !changeable(label(p)));
    const reason = group.blocked ?? (excluded.length > 0 ? `${excluded.map(label).join(', ')} excluded` : undefined);
    if (reason) {
      left.push(`${names} (${group.channels} channels): ${reason}`);
      leftGroups.set(left.at(-1)!, group);
      continue;
    }
    if (keptChannels(group.channels, o) < 1) {
      throw new RecipeError(`prune-channels: ratio ${o.ratio} would remove all ${group.channels} channels of ${names}; expected a ratio that keeps at least one.`);
    }
    const scores = (): Float64Array => measured?.get(group) ?? importance(group, o.importance === 'l1' ? 'l1' : 'l2', check);
    // Split outputs and channel Slices each keep their share, so no window is emptied.
    const keep = group.windows ? windowedKeep(group.channels, group.windows, scores(), (n) => keptChannels(n, o)) : channelsToKeep(scores(), keptChannels(group.channels, o));
    const kept = keep.length;
    if (kept === group.channels) continue;
    for (const edit of group.windowEdits ?? []) windowEdits.push({ edit, keep });
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
      const own = cut.window ? keptInWindow(keep, cut.window) : keep;
      planned.steps.push({ axis: cut.axis, keep: b === 1 ? own : own.flatMap((c) => Array.from({ length: b }, (_, j) => c * b + j)) });
      cuts.set(cut.weight.name, planned);
    }
    for (const n of group.depthwise) depthwise.add(n);
    group.values.forEach((v) => values.add(v));
    for (const p of group.producers) changes.push({ kind: 'channels-removed', name: label(p), before: group.channels, after: kept });
    for (const p of group.producers) channelMaps.push({ node: label(p), kept: keep });
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
  const heads = o.heads > 0 ? await headsToCut(model, o, ctx, changeable, takenBy(cuts), warnings) : undefined;
  if (heads) {
    addHeadCuts(heads, cuts, values, changes, channelMaps, warnings);
    // A head projection's own channel group is blocked by its Reshape into heads: the heads pass took it.
    left = left.filter((line) => !leftGroups.get(line)?.producers.every((p) => heads.projections.has(p)));
  }
  const depthwiseKept = new Map<NodeProto, number[]>();
  for (const n of depthwise) {
    const filters = cuts.get(n.input[1]!)?.steps.filter((s) => s.axis === 0);
    const kept = filters?.reduce<number[] | undefined>((prev, s) => (prev ? s.keep.map((c) => prev[c]!) : s.keep), undefined);
    if (!kept) continue;
    depthwiseKept.set(n, kept);
    channelMaps.push({ node: label(n), kept });
  }
  if (left.length > 0) warnings.push(`Left ${left.length} channel group(s) as they are: ${left.slice(0, 8).join('; ')}${left.length > 8 ? '; ...' : ''}.`);
  if (cuts.size === 0) return unchangedOutcome(model, o.ratio === 0 && o.heads === 0 ? 'Ratio 0 removes no channel' : o.heads > 0 ? 'No channel group or attention head could be cut' : 'No channel group could be cut', warnings);

  onProgress?.({ kind: 'phase', phase: 'prune-channels: cutting tensors' });
  const graph = sharedModel(model).graph!;
  const result = editModel(model, (session) => {
    for (const { weight, steps } of cuts.values()) {
      let cur = { values: readFloat32(weight.tensor, check) as Float32Array<ArrayBuffer>, dims: tensorDims(weight.tensor) };
      for (const s of steps) cur = keepAlongAxis(cur.values, cur.dims, s.axis, s.keep, check);
      const constantName = weight.constantIndex === undefined ? '' : weight.graph.node[weight.constantIndex]!.name;
      session.replaceStored(weight, makeFloatTensor(weight.name, cur.dims, cur.values), constantName);
    }
    for (const [n, kept] of depthwiseKept) {
      session.updateNode(n, (cur) => patch(cur, { attribute: [...cur.attribute.filter((a) => a.name !== 'group'), attr('group', kept.length)] }));
    }
    if (heads) applyShapeEdits(session, model, graph, heads.shapes);
    for (const { edit, keep } of windowEdits) applyWindowEdit(session, edit, keep);
    // Declared shapes of the cut feature maps are stale; the runtime infers them again.
    const valueInfo = graph.valueInfo.filter((v) => !values.has(v.name));
    if (valueInfo.length !== graph.valueInfo.length) session.setDeclarations(graph, { valueInfo: [...valueInfo] });
  });
  return { model: result, tensors: cuts.size, warnings, changes, channelMaps };
}

/** Whether the channel cuts already take this tensor's axis. */
function takenBy(cuts: ReadonlyMap<string, PlannedCut>): (weight: StoredWeight, axis: number) => boolean {
  return (weight, axis) => cuts.get(weight.name)?.steps.some((s) => s.axis === axis) ?? false;
}

/** Adds the heads' weight cuts to the channel cuts (another axis of the same tensor composes) and lists the blocks left. */
function addHeadCuts(heads: HeadPlan, cuts: Map<string, PlannedCut>, values: Set<string>, changes: LayerChange[], channelMaps: ChannelMap[], warnings: string[]): void {
  for (const c of heads.cuts) {
    const planned = cuts.get(c.weight.name) ?? { weight: c.weight, steps: [] };
    planned.steps.push({ axis: c.axis, keep: c.keep });
    cuts.set(c.weight.name, planned);
  }
  heads.values.forEach((v) => values.add(v));
  changes.push(...heads.changes);
  channelMaps.push(...heads.channelMaps);
  if (heads.left.length > 0) warnings.push(`Left ${heads.left.length} attention block(s) with all their heads: ${heads.left.slice(0, 8).join('; ')}${heads.left.length > 8 ? '; ...' : ''}.`);
}

export const pruneChannels: MethodModule<typeof PRUNE_CHANNELS_OPTIONS> = {
  ...pruneChannelsDeclaration,
  async apply(model, options, ctx = {}) {
    return prune(model, resolveOptions(pruneChannelsDeclaration.id, PRUNE_CHANNELS_OPTIONS, options), ctx);
  },
};
