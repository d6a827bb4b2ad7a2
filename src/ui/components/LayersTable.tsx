import { useMemo, useState } from 'react';
import { formatBytes, formatCount, formatShape } from '../../core/util/format';
import type { StepReport } from '../services/types';
import type { MethodInfo } from '../store/studio-state';
import { DEFAULT_LAYER_SORT, filterLayers, nextSort, sortLayers, type LayerSort, type LayerSortKey } from '../store/layer-rows';
import { describeLayerChange, layerChangeOf, nodesPattern } from '../store/layer-changes';
import { LayerOverrideSelect } from './LayerOverrideSelect';

export interface LayerRow {
  name: string;
  op: string;
  shape: readonly (number | string | null)[] | null;
  params: number;
  bytes: number;
  dtype: string;
  /** The nodes that read the tensor (what an override matches). */
  nodes?: readonly string[];
}

export interface LayerVariant {
  id: string;
  label: string;
  steps: readonly StepReport[];
}

/** With these, each row gets an override control that edits the recipe's per-layer overrides. */
export interface LayerActions {
  methods: readonly MethodInfo[];
  overrideFor(pattern: string): string | undefined;
  onOverride(pattern: string, method: string | null): void;
  disabled?: boolean;
}

export interface LayersTableProps {
  layers: readonly LayerRow[];
  totalBytes: number;
  /** Rows shown before "Show all". */
  limit?: number;
  /** Variants whose changes to each layer a column shows (the one picked; the newest first). */
  variants?: readonly LayerVariant[];
  actions?: LayerActions;
}

const patternOf = (l: LayerRow): string | null => (l.nodes && l.nodes.length > 0 ? nodesPattern(l.nodes) : null);

function ChangeCell({ variant, layer }: { variant: LayerVariant; layer: LayerRow }) {
  const change = layerChangeOf(variant.steps, layer.name, layer.nodes ?? [], layer.params);
  if (!change) {
    return (
      <td className="muted" data-testid="layer-change" data-changed="false">
        unchanged
      </td>
    );
  }
  return (
    <td data-testid="layer-change" data-changed="true" title={`Changed by ${change.methods.join(', ')}`}>
      {describeLayerChange(change).join(' · ')}
    </td>
  );
}

/**
 * Every stored tensor: sortable by name, op, parameters or size, filtered by name/op/node, with
 * what a chosen variant changed in each and, with `actions`, a per-layer override of the recipe.
 */
export function LayersTable({ layers, limit = 10, totalBytes, variants = [], actions }: LayersTableProps) {
  const [sort, setSort] = useState<LayerSort>(DEFAULT_LAYER_SORT);
  const [filter, setFilter] = useState('');
  const [showAll, setShowAll] = useState(false);
  const [variantId, setVariantId] = useState<string | null>(null);
  const rows = useMemo(() => sortLayers(filterLayers(layers, filter), sort), [layers, filter, sort]);
  const shown = showAll ? rows : rows.slice(0, limit);
  const variant = variants.find((v) => v.id === variantId) ?? variants[variants.length - 1];
  const header = (key: LayerSortKey, label: string, numeric = false) => (
    <th className={numeric ? 'num' : undefined} aria-sort={sort.key === key ? (sort.reversed === numeric ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="link-button" onClick={() => setSort(nextSort(sort, key))}>
        {label}
        {sort.key === key ? (sort.reversed === numeric ? ' ▲' : ' ▼') : ''}
      </button>
    </th>
  );
  return (
    <div className="layers">
      <div className="actions layers-controls">
        <div className="field inline-field">
          <label htmlFor="layers-filter">Filter layers</label>
          <input id="layers-filter" type="search" value={filter} placeholder="name, op or node" onChange={(e) => setFilter(e.target.value)} />
        </div>
        {variants.length > 0 && variant && (
          <div className="field inline-field">
            <label htmlFor="layers-variant">Changes in</label>
            <select id="layers-variant" value={variant.id} onChange={(e) => setVariantId(e.target.value)}>
              {variants.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.label}
                </option>
              ))}
            </select>
          </div>
        )}
        {rows.length > limit && (
          <button type="button" className="button" onClick={() => setShowAll(!showAll)}>
            {showAll ? `Show the first ${limit}` : `Show all ${rows.length}`}
          </button>
        )}
      </div>
      <div className="table-scroll">
        <table className="table" data-testid="layers-table">
          <caption>
            Stored tensors ({shown.length} of {rows.length}
            {rows.length < layers.length ? `, filtered from ${layers.length}` : ''})
          </caption>
          <thead>
            <tr>
              {header('name', 'Tensor')}
              {header('op', 'Op')}
              <th>Shape</th>
              <th>Type</th>
              {header('params', 'Params', true)}
              {header('bytes', 'Size', true)}
              <th className="num">Share</th>
              {variant && <th>Change in {variant.label}</th>}
              {actions && <th>Override</th>}
            </tr>
          </thead>
          <tbody>
            {shown.map((l, i) => {
              const pattern = patternOf(l);
              return (
                <tr key={`${l.name}#${i}`} data-tensor={l.name}>
                  <td className="mono ellipsis" title={l.nodes && l.nodes.length > 0 ? `${l.name}, read by ${l.nodes.join(', ')}` : l.name}>
                    {l.name}
                  </td>
                  <td>{l.op}</td>
                  <td className="mono">{formatShape(l.shape)}</td>
                  <td>{l.dtype}</td>
                  <td className="num">{formatCount(l.params)}</td>
                  <td className="num">{formatBytes(l.bytes)}</td>
                  <td className="num">{totalBytes > 0 ? `${((100 * l.bytes) / totalBytes).toFixed(1)}%` : '–'}</td>
                  {variant && <ChangeCell variant={variant} layer={l} />}
                  {actions && (
                    <td>
                      <LayerOverrideSelect
                        layer={l.name}
                        pattern={pattern}
                        current={pattern === null ? undefined : actions.overrideFor(pattern)}
                        methods={actions.methods}
                        disabled={actions.disabled}
                        onChange={actions.onOverride}
                      />
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
