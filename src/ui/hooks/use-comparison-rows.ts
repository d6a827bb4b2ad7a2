import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store-context';
import { useDevice } from '../store/device-store';
import { comparisonRows, outputNames, type ComparisonRow } from '../store/comparison-rows';
import { gzipSizes } from '../store/gzip-sizes';

/** The comparison's rows (original first), the output names in the summary's order, and the gzip sizes by row id. */
export function useComparisonRows(): { rows: ComparisonRow[]; outputs: string[]; gzip: Record<string, number> } {
  const { model, summary, variants, measurements, loadChecks } = useStudio(
    useShallow((st) => ({ model: st.model, summary: st.summary, variants: st.variants, measurements: st.measurements, loadChecks: st.loadChecks })),
  );
  const figures = useDevice((d) => d.profile?.figures);
  const rows = useMemo(() => (model ? comparisonRows(model, variants, measurements, loadChecks, figures ?? []) : []), [model, variants, measurements, loadChecks, figures]);
  const outputs = useMemo(() => {
    const declared = summary?.outputs.map((o) => o.name) ?? [];
    return [...declared, ...outputNames(rows).filter((n) => !declared.includes(n))];
  }, [summary, rows]);
  const gzip = useMemo(() => (model ? gzipSizes(model.id, variants) : {}), [model, variants]);
  return { rows, outputs, gzip };
}
