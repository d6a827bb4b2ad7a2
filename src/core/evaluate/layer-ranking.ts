import type { LayerError } from './per-layer-result';

export type LayerSort = 'graph' | 'sqnr' | 'local';

/** Rows in graph order, or worst first by SQNR or by the error the layer itself adds (ties keep graph order). */
export function sortLayers(layers: readonly LayerError[], by: LayerSort): { index: number; layer: LayerError }[] {
  const rows = layers.map((layer, index) => ({ index, layer }));
  if (by === 'graph') return rows;
  const key = (l: LayerError): number => (by === 'sqnr' ? l.sqnrDb : l.localSqnrDb);
  return rows.sort((a, b) => key(a.layer) - key(b.layer) || a.index - b.index);
}

/** The `count` tensors that add the most error (lowest local SQNR), finite ones only. */
export function worstLayers(layers: readonly LayerError[], count = 3): Set<string> {
  return new Set(
    sortLayers(layers, 'local')
      .filter((r) => Number.isFinite(r.layer.localSqnrDb))
      .slice(0, count)
      .map((r) => r.layer.tensor),
  );
}
