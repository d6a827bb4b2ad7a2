import { DT } from '../../ir/dtype';
import type { ReadonlyModelIR } from '../../ir/model';
import { elementCount, isExternal } from '../../ir/tensor';
import { isDefaultDomain } from '../../graph/attrs';
import { changeableNodes, type NodeMatcher } from '../../graph/node-patterns';
import { listStoredWeights, type StoredWeight, type ValueUse } from '../../graph/weight-uses';

/** The recipe's restriction of a step to some nodes (per-layer overrides); absent: all. */
export interface WeightScope {
  scope?: NodeMatcher | undefined;
}

/** The options every weight-rewriting method shares: which operators, which nodes not, how small is too small. */
export interface WeightSelection {
  opTypes: readonly string[];
  /** Exact names, globs or /regexes/ (see node-patterns). */
  excludeNodes: readonly string[];
  minElements: number;
}

export interface SelectedWeight {
  weight: StoredWeight;
  /** The chosen operators that read it as their weight input (input 1). */
  readers: ValueUse[];
}

/**
 * Stored weights (initializers and Constant nodes, subgraphs included) that the chosen default-domain
 * operators read as input 1, with those readers. `accept` drops weights a method has no form for,
 * silently; matching weights that are not float32, or whose external data is not loaded, are named
 * in `skipped` instead of being returned.
 */
export function selectWeights(model: ReadonlyModelIR, sel: WeightSelection & WeightScope, skipped: string[], accept: (w: StoredWeight) => boolean = () => true): SelectedWeight[] {
  const ops = new Set(sel.opTypes);
  const changeable = changeableNodes(sel.excludeNodes, sel.scope);
  const isReader = (u: ValueUse): boolean => u.inputIndex === 1 && ops.has(u.node.opType) && isDefaultDomain(u.node) && changeable(u.node.name);
  const out: SelectedWeight[] = [];
  for (const weight of listStoredWeights(model)) {
    const readers = weight.uses.filter(isReader);
    if (readers.length === 0 || !accept(weight) || elementCount(weight.tensor) < sel.minElements) continue;
    if (weight.tensor.dataType !== DT.FLOAT) skipped.push(`'${weight.name}' (not float32)`);
    else if (isExternal(weight.tensor)) skipped.push(`'${weight.name}' (external data not loaded)`);
    else out.push({ weight, readers });
  }
  return out;
}

/** The warning that lists what stayed float and why (the first five). */
export function keptFloatWarning(skipped: readonly string[], what = 'weight(s)', precision = 'float'): string | undefined {
  if (skipped.length === 0) return undefined;
  return `Kept ${skipped.length} ${what} ${precision}: ${skipped.slice(0, 5).join(', ')}${skipped.length > 5 ? ', ...' : ''}.`;
}
