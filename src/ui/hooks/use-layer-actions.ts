import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store-context';
import type { LayerActions } from '../components/LayersTable';

/** The layer tables' override controls, wired to the recipe's per-layer overrides in the store. */
export function useLayerActions(): LayerActions {
  const { methods, overrides, busy, overrideNodes, dropNodeOverride } = useStudio(
    useShallow((st) => ({
      methods: st.recipeMethods,
      overrides: st.recipeOverrides,
      busy: st.compressStatus === 'running' || st.compressStatus === 'queued',
      overrideNodes: st.overrideNodes,
      dropNodeOverride: st.dropNodeOverride,
    })),
  );
  return useMemo<LayerActions>(
    () => ({
      methods,
      disabled: busy,
      overrideFor: (pattern) => overrides.find((o) => o.nodes.trim() === pattern)?.method,
      onOverride: (pattern, method) => (method === null ? dropNodeOverride(pattern) : overrideNodes(pattern, method)),
    }),
    [methods, overrides, busy, overrideNodes, dropNodeOverride],
  );
}
