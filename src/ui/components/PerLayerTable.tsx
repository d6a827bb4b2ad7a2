import { useMemo, useState } from 'react';
import { sortLayers, worstLayers, type LayerSort } from '../../core/evaluate/layer-ranking';
import type { LayerError } from '../../core/evaluate/per-layer-result';
import { formatDb } from '../../core/util/format';
import type { LayerActions } from './LayersTable';
import { LayerOverrideSelect } from './LayerOverrideSelect';

export { sortLayers, worstLayers, type LayerSort };

/** The per-layer debugger's table: sortable by graph order, SQNR or the layer's own added error; the worst rows highlighted. */
export function PerLayerTable({
  layers,
  worst,
  initialSort = 'graph',
  actions,
  refits,
}: {
  layers: readonly LayerError[];
  worst: ReadonlySet<string>;
  initialSort?: LayerSort;
  /** With these, each row's producing node can be kept float or sent to another method (a recipe override). */
  actions?: LayerActions;
  /** Per producing node, its output SQNR before and after a refitting step (reconstruct); a column when any. */
  refits?: ReadonlyMap<string, { beforeDb: number; afterDb: number }>;
}) {
  const showRefits = refits !== undefined && refits.size > 0;
  const [sort, setSort] = useState<LayerSort>(initialSort);
  const rows = useMemo(() => sortLayers(layers, sort), [layers, sort]);
  const header = (key: LayerSort, label: string, title: string, numeric = true) => (
    <th className={numeric ? 'num' : undefined} aria-sort={sort === key ? 'ascending' : 'none'} title={title}>
      <button type="button" className="link-button" onClick={() => setSort(key)} aria-pressed={sort === key}>
        {label}
        {sort === key ? ' ▲' : ''}
      </button>
    </th>
  );
  return (
    <div className="table-scroll per-layer-scroll">
      <table className="table compact" data-testid="per-layer-table">
        <thead>
          <tr>
            {header('graph', '#', 'Sort by graph order', true)}
            <th>Tensor</th>
            <th>Op</th>
            {header('sqnr', 'SQNR dB', 'Sort by SQNR, worst first')}
            {header('local', 'Added by layer dB', "Sort by the error the layer adds on top of its inputs' (a ranking heuristic), worst first")}
            <th className="num">Cosine</th>
            <th className="num">Max |diff|</th>
            {showRefits && (
              <th className="num" title="The layer's output SQNR against the original's on the calibration samples, before and after reconstruct refitted its weight">
                Refit dB
              </th>
            )}
            {actions && <th>Override</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map(({ index, layer }) => (
            <tr key={layer.tensor} className={worst.has(layer.tensor) ? 'worst' : undefined} data-tensor={layer.tensor}>
              <td className="num">{index + 1}</td>
              <td className="mono ellipsis" title={layer.tensor}>
                {layer.tensor}
              </td>
              <td>{layer.opType}</td>
              <td className="num" data-testid="layer-sqnr">
                {formatDb(layer.sqnrDb)}
              </td>
              <td className="num">{formatDb(layer.localSqnrDb)}</td>
              <td className="num">{Number.isFinite(layer.cosine) ? layer.cosine.toFixed(6) : '–'}</td>
              <td className="num">{Number.isFinite(layer.maxAbs) ? layer.maxAbs.toPrecision(3) : '–'}</td>
              {showRefits && (
                <td className="num" data-testid="layer-refit">
                  {refits.has(layer.node) ? `${formatDb(refits.get(layer.node)!.beforeDb)} → ${formatDb(refits.get(layer.node)!.afterDb)}` : ''}
                </td>
              )}
              {actions && (
                <td>
                  <LayerOverrideSelect
                    layer={layer.node || layer.tensor}
                    pattern={layer.node || null}
                    current={layer.node ? actions.overrideFor(layer.node) : undefined}
                    methods={actions.methods}
                    disabled={actions.disabled}
                    onChange={actions.onOverride}
                  />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
