import { attrInt } from '../../graph/attrs';
import type { GraphIndex, GraphScope } from '../../graph/graph-index';
import type { StoredWeight } from '../../graph/weight-uses';
import { DT } from '../../ir/dtype';
import { elementCount, readIntegers } from '../../ir/tensor';
import type { NodeProto } from '../../onnx/schema';

/**
 * Where one entry of a Reshape's target shape is stored: a constant read directly, or one piece of
 * a Concat (axis 0) that builds the shape, possibly through Casts and an Unsqueeze of a scalar.
 */
export interface ShapeEntry {
  value: number;
  stored: StoredWeight;
  /** The entry's index in the stored tensor's values. */
  at: number;
  /** The node that reads the entry's piece (the Reshape or the Concat), and in which slot. */
  consumer: NodeProto;
  slot: number;
  /** Casts (and an Unsqueeze) between the stored tensor and the consumer, stored tensor first. */
  chain: NodeProto[];
  /** The dtype the consumer reads: the stored one, or the last Cast's. */
  dtype: number;
}

const INTEGER = new Set<number>([DT.INT64, DT.INT32]);

/**
 * Entry `k` of the shape the Reshape `n` reshapes to, when it is a stored constant; undefined when
 * it is computed at run time (from a Shape) or comes some way this cannot follow.
 */
export function shapeEntry(n: NodeProto, k: number, index: GraphIndex, main: GraphScope, lengths: ReadonlyMap<string, number[]>): ShapeEntry | undefined {
  return entryOf(n.input[1], k, { consumer: n, slot: 1 }, [], index, main, lengths);
}

function entryOf(
  value: string | undefined,
  k: number,
  reader: { consumer: NodeProto; slot: number },
  chain: NodeProto[],
  index: GraphIndex,
  main: GraphScope,
  lengths: ReadonlyMap<string, number[]>,
): ShapeEntry | undefined {
  if (!value) return undefined;
  const stored = index.stored(value, main);
  if (stored) {
    if (!INTEGER.has(stored.tensor.dataType) || k >= elementCount(stored.tensor)) return undefined;
    const lastCast = chain.filter((c) => c.opType === 'Cast').at(-1);
    const dtype = lastCast ? attrInt(lastCast, 'to') : stored.tensor.dataType;
    if (dtype === undefined || !INTEGER.has(dtype)) return undefined;
    return { value: readIntegers(stored.tensor)[k]!, stored, at: k, ...reader, chain, dtype };
  }
  const p = index.producer(value, main);
  if (!p) return undefined;
  const oneElement = lengths.get(value)?.length === 1 && lengths.get(value)?.[0] === 1;
  if (p.opType === 'Cast' || (p.opType === 'Unsqueeze' && k === 0 && oneElement)) return entryOf(p.input[0], k, reader, [p, ...chain], index, main, lengths);
  if (p.opType === 'Concat' && chain.length === 0 && (attrInt(p, 'axis') ?? 0) === 0) {
    let offset = 0;
    for (const [slot, piece] of p.input.entries()) {
      const dims = lengths.get(piece);
      if (!dims || dims.length !== 1) return undefined;
      if (k < offset + dims[0]!) return entryOf(piece, k - offset, { consumer: p, slot }, [], index, main, lengths);
      offset += dims[0]!;
    }
  }
  return undefined;
}
