import type { SampleSetInfo } from '../services/types';

const MAPPING: Record<NonNullable<SampleSetInfo['labelled']>['mapping'], string> = {
  indices: 'labels are output indices',
  'class-list': 'labels mapped by your class list',
  'sorted-names': 'class names numbered in sorted order',
};

/** What the worker read from the user's files: how many samples, of what kind and shape, and how they are labelled. */
export function SampleSetSummary({ info }: { info: SampleSetInfo }) {
  const kinds = Object.entries(info.kinds)
    .map(([k, n]) => `${n} ${k}${n === 1 ? '' : 's'}`)
    .join(', ');
  const shapes = Object.entries(info.shapes)
    .map(([input, list]) => `${input} ${list.map((d) => `[${d.join('×')}]`).join(' ')}`)
    .join('; ');
  const l = info.labelled;
  return (
    <div className="sample-summary" data-testid="sample-summary">
      <p>
        <strong data-testid="sample-count">{info.count}</strong> sample{info.count === 1 ? '' : 's'} ({kinds || 'none'}) · input <span className="mono">{shapes}</span>
        {l ? ` · labelled by ${l.source} (${MAPPING[l.mapping]})` : ' · unlabelled'}
      </p>
      {l && (
        <table className="table compact label-map" data-testid="label-map">
          <caption>
            Label → output index{l.output ? ` of '${l.output}'` : ''}
            {l.classCount !== undefined ? ` (${l.classCount} classes)` : ''}
          </caption>
          <thead>
            <tr>
              <th>Label</th>
              <th className="num">Index</th>
              <th className="num">Samples</th>
            </tr>
          </thead>
          <tbody>
            {l.classes.map((c) => (
              <tr key={c.label}>
                <td className="mono">{c.label}</td>
                <td className="num">{c.index}</td>
                <td className="num">{c.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {info.ignored.length > 0 && (
        <p className="muted small" data-testid="ignored-files">
          Not used ({info.ignored.length}): {info.ignored.slice(0, 5).join(', ')}
          {info.ignored.length > 5 ? ', …' : ''}
        </p>
      )}
    </div>
  );
}
