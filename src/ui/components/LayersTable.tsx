import { formatBytes, formatCount, formatShape } from '../../core/util/format';

export interface LayerRow {
  name: string;
  op: string;
  shape: readonly (number | string | null)[] | null;
  params: number;
  bytes: number;
  dtype: string;
}

export function LayersTable({ layers, limit = 10, totalBytes }: { layers: readonly LayerRow[]; limit?: number; totalBytes: number }) {
  const shown = layers.slice(0, limit);
  return (
    <table className="table" data-testid="layers-table">
      <caption>
        Largest weights ({shown.length} of {layers.length})
      </caption>
      <thead>
        <tr>
          <th>Tensor</th>
          <th>Op</th>
          <th>Shape</th>
          <th>Type</th>
          <th className="num">Params</th>
          <th className="num">Size</th>
          <th className="num">Share</th>
        </tr>
      </thead>
      <tbody>
        {shown.map((l, i) => (
          <tr key={`${l.name}#${i}`}>
            <td className="mono ellipsis" title={l.name}>
              {l.name}
            </td>
            <td>{l.op}</td>
            <td className="mono">{formatShape(l.shape)}</td>
            <td>{l.dtype}</td>
            <td className="num">{formatCount(l.params)}</td>
            <td className="num">{formatBytes(l.bytes)}</td>
            <td className="num">{totalBytes > 0 ? `${((100 * l.bytes) / totalBytes).toFixed(1)}%` : '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
