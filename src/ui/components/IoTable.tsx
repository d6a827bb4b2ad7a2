import { formatShape } from '../../core/util/format';

export interface IoValue {
  name: string;
  dtype: string;
  shape: readonly (number | string | null)[] | null;
}

export function IoTable({ title, values }: { title: string; values: readonly IoValue[] }) {
  return (
    <table className="table compact">
      <caption>{title}</caption>
      <thead>
        <tr>
          <th>Name</th>
          <th>Type</th>
          <th>Shape</th>
        </tr>
      </thead>
      <tbody>
        {values.map((v) => (
          <tr key={v.name}>
            <td className="mono">{v.name}</td>
            <td>{v.dtype}</td>
            <td className="mono">{formatShape(v.shape)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
