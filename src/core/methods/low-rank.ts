import { EditSession } from '../graph/edit-session';
import { nameAllocator } from '../graph/names';
import { changeableNodes } from '../graph/node-patterns';
import { defaultOpset } from '../graph/opset';
import { sharedModel, type ReadonlyModelIR } from '../ir/model';
import { yieldToLoop } from '../util/abort';
import { checkpointFor } from '../util/checkpoint';
import type { LayerChange } from './changes';
import { LOW_RANK_OPTIONS, lowRankDeclaration, type LowRankOptions } from './declarations/low-rank';
import { calibrationFeeds } from './distill/layer-input-hessians';
import { layerName, lowRankLayers, weightMatrix, type LowRankLayer } from './low-rank/candidates';
import { factorize } from './low-rank/factorize';
import { layerInputMoments } from './low-rank/input-moments';
import { outputSqnrDb, residual, weightSqnrDb } from './low-rank/layer-error';
import { applyRewrite, rewriteLayer } from './low-rank/rewrite';
import { selectRank } from './low-rank/select-rank';
import { resolveOptions } from './resolve-options';
import { unchangedOutcome } from './unchanged';
import type { MethodContext, MethodModule, MethodOutcome } from './types';

const METHOD = 'low-rank';

/** "a, b, c (+4 more)" */
function some(items: readonly string[], limit = 6): string {
  return items.length > limit ? `${items.slice(0, limit).join(', ')} (+${items.length - limit} more)` : items.join(', ');
}

/** Layers grouped by the reason they were left, as one warning. */
function leftAlone(skipped: readonly { name: string; reason: string }[]): string | undefined {
  const by = new Map<string, string[]>();
  for (const s of skipped) by.set(s.reason, [...(by.get(s.reason) ?? []), s.name]);
  if (by.size === 0) return undefined;
  const parts = [...by].map(([reason, names]) => `${some(names, 4)}: ${reason}`);
  return `Left ${skipped.length} MatMul/Gemm/Conv layer(s) as they are: ${parts.join('; ')}.`;
}

/** Input second moments of the layers whitening can use, with notes for those it cannot. */
async function measureInputs(model: ReadonlyModelIR, layers: readonly LowRankLayer[], o: LowRankOptions, ctx: MethodContext, warnings: string[]): Promise<Map<LowRankLayer, Float64Array>> {
  const usable = layers.filter((l) => l.inMain && !(l.form.op === 'Gemm' && l.form.transA));
  const plain = layers.filter((l) => !usable.includes(l)).map((l) => layerName(l.node));
  if (plain.length > 0) warnings.push(`Plain SVD for ${plain.length} layer(s) whitening cannot measure (in a subgraph or a Gemm with transA): ${some(plain)}.`);
  if (usable.length === 0) return new Map();
  const { inputs, warning } = calibrationFeeds(model, ctx, o.samples, METHOD);
  if (warning) warnings.push(warning);
  const moments = await layerInputMoments(model, usable, inputs, ctx, `${METHOD}: measuring layer inputs`);
  const missing = usable.filter((l) => !moments.has(l)).map((l) => layerName(l.node));
  if (missing.length > 0) warnings.push(`Plain SVD for ${missing.length} layer(s) whose inputs did not come back as float32 of the expected shape: ${some(missing)}.`);
  return new Map([...moments].map(([layer, m]) => [layer, m.h]));
}

async function factorLayers(model: ReadonlyModelIR, o: LowRankOptions, ctx: MethodContext): Promise<MethodOutcome> {
  const { onProgress } = ctx;
  // The signal for awaits, the cancel flag for the factorization's synchronous loops.
  const check = checkpointFor(ctx);
  check();
  onProgress?.({ kind: 'phase', phase: `${METHOD}: finding layers` });
  const warnings: string[] = [];
  const { layers, skipped } = lowRankLayers(model, changeableNodes(o.excludeNodes, ctx.nodeScope));
  if (layers.length === 0) {
    const why = skipped.length > 0 ? leftAlone(skipped)! : 'The model has no MatMul, Gemm or 1x1 Conv with a stored weight.';
    return unchangedOutcome(model, `Nothing to factor. ${why.replace(/\.$/, '')}`, warnings);
  }
  const moments = o.whiten ? await measureInputs(model, layers, o, ctx, warnings) : new Map<LowRankLayer, Float64Array>();

  const fresh = nameAllocator(model);
  const opset = defaultOpset(model) ?? 1;
  const session = new EditSession(model);
  const changes: LayerChange[] = [];
  const noSaving: string[] = [];
  const fellBack: string[] = [];
  for (const [index, layer] of layers.entries()) {
    check();
    const name = layerName(layer.node);
    onProgress?.({ kind: 'step', phase: `${METHOD}: factoring`, index, total: layers.length, item: name });
    await yieldToLoop();
    const { k, n } = layer;
    const full = Math.min(k, n);
    // Rank 1 is the least a factorization keeps: if even that saves nothing, skip the SVD (and
    // likewise when the ratio's rank, known without it, saves nothing).
    const known = o.rank === 'ratio' ? selectRank(new Float64Array(full), k, n, o) : 1;
    if (o.onlyWhereSmaller && known * (k + n) >= k * n) {
      noSaving.push(o.rank === 'ratio' ? `${name} (rank ${known} of ${k}x${n})` : `${name} (${k}x${n})`);
      continue;
    }
    const w = weightMatrix(layer);
    const hessian = moments.get(layer);
    const fact = factorize(w, k, n, { ...(hessian && { hessian }), damp: o.damp, check });
    if (fact.note) fellBack.push(`${name} (${fact.note})`);
    const rank = selectRank(fact.sigma, k, n, o);
    if (o.onlyWhereSmaller && rank * (k + n) >= k * n) {
      noSaving.push(`${name} (rank ${rank} of ${k}x${n})`);
      continue;
    }
    const factors = fact.factors(rank);
    const d = residual(w, factors, k, n, check);
    const whitened = hessian && !fact.note;
    changes.push({
      kind: 'rank',
      name,
      before: full,
      after: rank,
      paramsBefore: k * n,
      paramsAfter: rank * (k + n),
      sqnrDb: weightSqnrDb(w, d),
      ...(whitened && { outputSqnrDb: outputSqnrDb(hessian, w, d, k, n, check) }),
    });
    applyRewrite(session, layer, rewriteLayer(layer, factors, fresh, opset));
  }
  const left = leftAlone(skipped.filter((s) => s.reason !== 'excluded'));
  if (left) warnings.push(left);
  if (fellBack.length > 0) warnings.push(`Plain SVD for ${fellBack.length} layer(s) whitening could not factor: ${some(fellBack)}.`);
  const selector = o.rank === 'energy' ? `energy ${o.energy}` : o.rank === 'ratio' ? `ratio ${o.ratio}` : `SQNR floor ${o.sqnr} dB`;
  if (changes.length === 0) {
    return unchangedOutcome(model, `No layer saves parameters at the rank ${selector} gives (rank r of an m x n weight saves only when r(m+n) < mn): ${some(noSaving)}`, warnings);
  }
  if (noSaving.length > 0) warnings.push(`Kept ${noSaving.length} layer(s) whose rank at ${selector} would not save parameters: ${some(noSaving)}.`);
  return { model: session.commit(), tensors: changes.length, warnings, changes };
}

export const lowRank: MethodModule<typeof LOW_RANK_OPTIONS> = {
  ...lowRankDeclaration,
  async apply(model, options, ctx = {}) {
    return factorLayers(sharedModel(model), resolveOptions(lowRankDeclaration.id, LOW_RANK_OPTIONS, options), ctx);
  },
};
