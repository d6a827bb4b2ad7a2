import type { MethodInfo } from '../store/studio-state';
import { isCpuOnly } from '../store/recipe';
import { CpuOnlyBadge } from './CpuOnlyBadge';

export interface MethodPickerProps {
  id: string;
  methods: readonly MethodInfo[];
  value: string;
  disabled?: boolean;
  onChange(methodId: string): void;
}

function optionOf(m: MethodInfo) {
  return (
    <option key={m.id} value={m.id}>
      {m.label} ({m.id})
    </option>
  );
}

/** The four families of model lightening, in the order the picker lists them; any other family follows. */
const FAMILY_ORDER: readonly string[] = ['quantization', 'pruning', 'distillation', 'structure'];

const rank = (family: string): number => {
  const i = FAMILY_ORDER.indexOf(family);
  return i < 0 ? FAMILY_ORDER.length : i;
};

/** The methods grouped by family: the four known families first in their order, then others as they first appear. */
export function byFamily(methods: readonly MethodInfo[]): [string, MethodInfo[]][] {
  const groups = new Map<string, MethodInfo[]>();
  for (const m of methods) {
    const family = m.family ?? 'other';
    groups.set(family, [...(groups.get(family) ?? []), m]);
  }
  return [...groups].map((g, i) => ({ g, i })).sort((x, y) => rank(x.g[0]) - rank(y.g[0]) || x.i - y.i).map((x) => x.g);
}

/** Every registered method by its label (grouped by family when there are several), with the chosen one's description. */
export function MethodPicker({ id, methods, value, disabled, onChange }: MethodPickerProps) {
  const chosen = methods.find((m) => m.id === value);
  const groups = byFamily(methods);
  return (
    <div className="method-picker">
      <div className="field">
        <label htmlFor={id}>Method</label>
        <select id={id} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
          {groups.length > 1
            ? groups.map(([family, members]) => (
                <optgroup key={family} label={family[0]!.toUpperCase() + family.slice(1)}>
                  {members.map(optionOf)}
                </optgroup>
              ))
            : methods.map(optionOf)}
        </select>
      </div>
      {chosen && (
        <p className="method-description muted small">
          {chosen.family && <span className="method-family">{chosen.family} · </span>}
          {chosen.description} {isCpuOnly(chosen) && <CpuOnlyBadge />}
        </p>
      )}
    </div>
  );
}
