/** What the layer table sorts by; numbers sort largest first, text A to Z. */
export type LayerSortKey = 'name' | 'op' | 'params' | 'bytes';

export interface LayerSort {
  key: LayerSortKey;
  /** True for the reverse of the key's natural order. */
  reversed: boolean;
}

export const DEFAULT_LAYER_SORT: LayerSort = { key: 'bytes', reversed: false };

export interface SortableLayer {
  name: string;
  op: string;
  params: number;
  bytes: number;
  dtype?: string;
  nodes?: readonly string[];
}

/** Rows whose tensor name, op, dtype or reading node contains `filter` (any case); blank keeps all. */
export function filterLayers<T extends SortableLayer>(layers: readonly T[], filter: string): T[] {
  const q = filter.trim().toLowerCase();
  if (q === '') return [...layers];
  return layers.filter((l) => [l.name, l.op, l.dtype ?? '', ...(l.nodes ?? [])].some((text) => text.toLowerCase().includes(q)));
}

/** A sorted copy; ties keep their given order. */
export function sortLayers<T extends SortableLayer>(layers: readonly T[], sort: LayerSort): T[] {
  const sign = sort.reversed ? -1 : 1;
  const cmp = (a: T, b: T): number => {
    switch (sort.key) {
      case 'name':
        return a.name.localeCompare(b.name);
      case 'op':
        return a.op.localeCompare(b.op);
      case 'params':
        return b.params - a.params;
      case 'bytes':
        return b.bytes - a.bytes;
    }
  };
  return layers
    .map((l, i) => ({ l, i }))
    .sort((x, y) => sign * cmp(x.l, y.l) || x.i - y.i)
    .map((x) => x.l);
}

/** Clicking a header: the same key flips the order, another key starts in its natural order. */
export function nextSort(current: LayerSort, key: LayerSortKey): LayerSort {
  return current.key === key ? { key, reversed: !current.reversed } : { key, reversed: false };
}
