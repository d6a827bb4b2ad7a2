import type { ReadonlyModelIR } from '../ir/model';
import { listGraphs } from '../ir/walk';

/** Every value and node name in the model (all graphs), so new names never collide. */
export function collectNames(model: ReadonlyModelIR): Set<string> {
  const names = new Set<string>();
  for (const { graph } of listGraphs(model)) {
    for (const v of graph.input) names.add(v.name);
    for (const v of graph.output) names.add(v.name);
    for (const v of graph.valueInfo) names.add(v.name);
    for (const t of graph.initializer) names.add(t.name);
    for (const n of graph.node) {
      if (n.name) names.add(n.name);
      for (const s of n.input) names.add(s);
      for (const s of n.output) names.add(s);
    }
  }
  return names;
}

/** Hands out names not yet used in the model: `base`, then `base_1`, `base_2`... */
export function nameAllocator(model: ReadonlyModelIR): (base: string) => string {
  const taken = collectNames(model);
  return (base) => {
    let name = base;
    for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  };
}
