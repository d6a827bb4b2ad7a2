import type { ChannelWindow } from './channel-windows';
import { channelsToKeep } from './channel-cut';

/**
 * The channels a group keeps when Split outputs or channel Slices read windows of it: the channels
 * are cut into the runs between every window's edges, and each run keeps `keptOf(its length)` of
 * its most important channels, so every window keeps its share (none is emptied, a Split's parts
 * shrink alike). Ascending indices of the whole group.
 */
export function windowedKeep(channels: number, windows: readonly ChannelWindow[], importance: Float64Array, keptOf: (length: number) => number): number[] {
  const edges = new Set([0, channels]);
  for (const w of windows) {
    edges.add(w.offset);
    edges.add(w.offset + w.length);
  }
  const sorted = [...edges].sort((a, b) => a - b);
  const keep: number[] = [];
  for (let k = 0; k + 1 < sorted.length; k++) {
    const start = sorted[k]!;
    const run = importance.subarray(start, sorted[k + 1]!);
    for (const c of channelsToKeep(run, keptOf(run.length))) keep.push(start + c);
  }
  return keep;
}
