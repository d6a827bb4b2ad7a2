export interface Stat {
  label: string;
  value: string;
  hint?: string;
}

export function StatGrid({ stats }: { stats: readonly Stat[] }) {
  return (
    <dl className="stat-grid">
      {stats.map((s) => (
        <div className="stat" key={s.label} title={s.hint}>
          <dt>{s.label}</dt>
          <dd>{s.value}</dd>
        </div>
      ))}
    </dl>
  );
}
