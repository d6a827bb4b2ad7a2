import { sharedModel, type ModelIR, type ReadonlyModelIR } from '../../ir/model';
import { listGraphs } from '../../ir/walk';
import type { NodeProto } from '../../onnx/schema';
import { UnsupportedModelError } from '../../util/errors';
import { isDefaultDomain } from '../../graph/attrs';
import { nameAllocator } from '../../graph/names';
import { defaultOpset, withDefaultOpset } from '../../graph/opset';
import { conversionsFor, type ConvertContext } from './opset-converters';
import { EditSession } from '../../graph/edit-session';

export type OpsetUpgrade =
  | { ok: true; model: ModelIR; from: number; to: number; converted: Record<string, number> }
  | { ok: false; from: number; to: number; reasons: string[] };

/** ONNX Runtime only guarantees ai.onnx opsets from 7 on; older models are left alone. */
const OLDEST_UPGRADABLE = 7;

/**
 * Lifts the model's ai.onnx opset to `to`, rewriting nodes whose operator changed incompatibly
 * on the way (see opset-converters.ts). Returns the reasons instead when some node cannot be
 * carried over (an operator it does not know, or a form it cannot convert). The input model is
 * not modified.
 */
export function upgradeOpset(model: ReadonlyModelIR, to: number): OpsetUpgrade {
  const from = defaultOpset(model) ?? to;
  if (from >= to) return { ok: true, model: sharedModel(model), from, to: from, converted: {} };
  if (from < OLDEST_UPGRADABLE) return { ok: false, from, to, reasons: [`ai.onnx opset ${from} is older than ${OLDEST_UPGRADABLE}`] };

  const reasons = new Set<string>();
  for (const { graph } of listGraphs(model)) {
    for (const n of graph.node) {
      if (isDefaultDomain(n) && conversionsFor(n.opType, from, to) === undefined) {
        reasons.add(`${n.opType} has no known conversion from opset ${from} to ${to}`);
      }
    }
  }
  if (reasons.size > 0) return { ok: false, from, to, reasons: [...reasons] };

  const fresh = nameAllocator(model);
  const ctx: ConvertContext = { fresh };
  const converted: Record<string, number> = {};
  const failures: string[] = [];
  const convertNode = (n: NodeProto): NodeProto[] => {
    if (!isDefaultDomain(n)) return [n];
    const steps = conversionsFor(n.opType, from, to) ?? [];
    let nodes = [n];
    for (const step of steps) {
      const next: NodeProto[] = [];
      for (const m of nodes) {
        if (m.opType !== n.opType) {
          next.push(m);
          continue;
        }
        const r = step.convert(m, ctx);
        if ('reason' in r) {
          failures.push(r.reason);
          return [n];
        }
        next.push(...r.nodes);
      }
      nodes = next;
    }
    if (steps.length > 0) converted[n.opType] = (converted[n.opType] ?? 0) + 1;
    return nodes;
  };
  const session = new EditSession(model);
  // Subgraphs first, nodes in order: the order fresh names are handed out in.
  for (const { graph } of session.index.bottomUp()) {
    for (const n of graph.node) {
      const out = convertNode(n);
      if (out.length !== 1 || out[0] !== n) session.replaceNode(n, out);
    }
  }
  if (failures.length > 0) return { ok: false, from, to, reasons: [...new Set(failures)] };
  return { ok: true, model: withDefaultOpset(session.commit(), to), from, to, converted };
}

const LIFT_NOTE = 'Raised the ai.onnx opset';

/** The warning a method gives when it lifts the model's opset, with the operators converted on the way. */
export function opsetLiftNote(from: number, to: number, purpose: string, converted: Readonly<Record<string, number>> = {}): string {
  const conv = Object.entries(converted).map(([op, n]) => `${n} ${op}`);
  return `${LIFT_NOTE} from ${from} to ${to} for ${purpose}${conv.length ? ` (converted ${conv.join(', ')})` : ''}.`;
}

export function isOpsetLiftNote(warning: string): boolean {
  return warning.startsWith(LIFT_NOTE);
}

/**
 * The model at ai.onnx opset `target` or later: itself when it already is, stamped with `target`
 * when it imports no ai.onnx opset, else converted up (noted in `warnings` as lifted for
 * `purpose`). A model that cannot be lifted is an UnsupportedModelError that starts with
 * `requirement` (what the method needs) and says why.
 */
export function requireOpset(model: ReadonlyModelIR, target: number, purpose: string, requirement: string, warnings: string[]): ModelIR {
  const current = defaultOpset(model);
  if (current === undefined) return withDefaultOpset(model, target);
  if (current >= target) return sharedModel(model);
  const up = upgradeOpset(model, target);
  if (!up.ok) throw new UnsupportedModelError(`${requirement}; this model uses opset ${current} and cannot be lifted: ${up.reasons.join('; ')}.`);
  warnings.push(opsetLiftNote(current, target, purpose, up.converted));
  return up.model;
}
