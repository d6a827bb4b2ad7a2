import { useMemo, type ReactNode } from 'react';
import { useStaggered } from '../hooks/use-staggered';
import { sameJson } from './same-json';

export interface StaggeredChartProps<P extends object> {
  /** The chart's props: plain data, compared by value. */
  props: P;
  /** The space the chart takes (plot and caption), kept while it waits so the page does not jump. */
  height: number;
  render(props: P): ReactNode;
}

/** A chart rendered in its own turn of the mount queue, on mount and whenever its data changes. */
export function StaggeredChart<P extends object>({ props, height, render }: StaggeredChartProps<P>) {
  const shown = useStaggered(props, sameJson);
  // The same element while the data is the same, so React skips the chart when its container re-renders.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `render` is a fresh closure each time; the data decides
  const chart = useMemo(() => (shown ? render(shown) : null), [shown]);
  if (!chart) return <div className="chart chart-pending" style={{ height }} aria-hidden="true" />;
  return chart;
}
