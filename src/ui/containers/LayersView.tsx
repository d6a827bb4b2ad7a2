import { useStudio } from '../store/store-context';
import { useLayerActions } from '../hooks/use-layer-actions';
import { LayersTable, type LayerRow } from '../components/LayersTable';

/**
 * The layer table wired to the store: each variant's changes per layer, and an override control per
 * row that edits the recipe's per-layer overrides (the same rows the overrides editor shows).
 */
export function LayersView({ layers, totalBytes }: { layers: readonly LayerRow[]; totalBytes: number }) {
  const variants = useStudio((st) => st.variants);
  const actions = useLayerActions();
  return <LayersTable layers={layers} totalBytes={totalBytes} variants={variants} actions={actions} />;
}
