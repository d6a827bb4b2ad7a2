import { EditSession } from '../graph/edit-session';
import { changeableNodes } from '../graph/node-patterns';
import { listGraphs } from '../ir/walk';
import { sharedModel, type ModelIR } from '../ir/model';
import { throwIfAborted } from '../util/abort';
import type { LayerChange } from './changes';
import { simplifyDeclaration, SIMPLIFY_OPTIONS } from './declarations/simplify';
import { resolveOptions } from './resolve-options';
import { constantsToInitializers } from './structure/constants-to-initializers';
import { foldConvAffine } from './structure/fold-conv-affine';
import { foldBatchNorms } from './structure/fold-batch-norm';
import { foldConstants } from './structure/fold-constants';
import { foldWithRuntime, refusedWarning } from './structure/fold-with-runtime';
import { inlineConstantIfs } from './structure/inline-constant-if';
import { matmulAddToGemm } from './structure/matmul-add-gemm';
import { mergeDuplicates } from './structure/merge-duplicates';
import { reshapeKeptDims } from './structure/reshape-kept-dims';
import { removeNoOps } from './structure/remove-no-ops';
import { RewritePass } from './structure/rewrite-pass';
import type { MethodModule } from './types';

/** Rounds of every pass at most; each round usually enables the next one's work only at its edges. */
const MAX_ROUNDS = 12;

/** Nodes and stored tensors in every graph: the rounds stop when a round changes neither. */
function size(model: ModelIR): string {
  let nodes = 0;
  let tensors = 0;
  let inputs = 0;
  for (const { graph } of listGraphs(model)) {
    nodes += graph.node.length;
    tensors += graph.initializer.length;
    inputs += graph.input.length;
  }
  return `${nodes}/${tensors}/${inputs}`;
}

function removeUnusedInputs(model: ModelIR, changes: LayerChange[]): ModelIR {
  const session = new EditSession(model);
  const main = session.index.scopes[0];
  if (!main) return model;
  const keep = main.graph.input.filter((v) => session.index.consumers(v.name, main).length > 0 || session.index.isGraphOutput(v.name, main));
  if (keep.length === main.graph.input.length) return model;
  for (const v of main.graph.input) if (!keep.includes(v)) changes.push({ kind: 'node-removed', name: v.name, opType: 'graph input' });
  session.setDeclarations(main.graph, { input: keep });
  return session.commit();
}

export const simplify: MethodModule<typeof SIMPLIFY_OPTIONS> = {
  ...simplifyDeclaration,
  async apply(input, options, ctx = {}) {
    const o = resolveOptions(simplifyDeclaration.id, SIMPLIFY_OPTIONS, options);
    const changeable = changeableNodes(o.excludeNodes, ctx.nodeScope);
    const maxBytes = Math.floor(o.maxFoldedMB * 1024 * 1024);
    const maxElements = Math.floor(maxBytes / 4);
    const refused = new Map<string, string>();
    const runner = ctx.runConstants;
    const passes: { phase: string; run: (pass: RewritePass, model: ModelIR) => void | Promise<void> }[] = [
      { phase: 'constants', run: (p) => foldConstants(p, maxElements, maxBytes) },
      ...(runner ? [{ phase: 'constants (runtime)', run: (p: RewritePass) => foldWithRuntime(p, { runner, maxBytes, refused, ...(ctx.signal && { signal: ctx.signal }) }) }] : []),
      { phase: 'constant If', run: (p) => inlineConstantIfs(p) },
      { phase: 'no-ops', run: (p, m) => removeNoOps(p, m) },
      { phase: 'Reshape targets', run: (p) => reshapeKeptDims(p) },
      { phase: 'duplicates', run: (p) => mergeDuplicates(p) },
      ...(o.foldBatchNorm ? [{ phase: 'BatchNormalization', run: (p: RewritePass) => foldBatchNorms(p) }] : []),
      { phase: 'Conv + Add/Mul', run: (p) => foldConvAffine(p) },
      ...(o.matmulToGemm ? [{ phase: 'MatMul + Add', run: (p: RewritePass) => matmulAddToGemm(p) }] : []),
    ];
    let model = sharedModel(input);
    const changes: LayerChange[] = [];
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const before = size(model);
      for (const [i, step] of passes.entries()) {
        throwIfAborted(ctx.signal);
        ctx.onProgress?.({ kind: 'step', phase: 'simplify', index: round * passes.length + i, total: MAX_ROUNDS * passes.length, item: step.phase });
        const pass = new RewritePass(model, changeable);
        await step.run(pass, model);
        model = pass.commit();
        changes.push(...pass.changes);
      }
      if (size(model) === before) break;
    }
    const last = new RewritePass(model, changeable);
    constantsToInitializers(last);
    model = last.commit();
    if (o.removeUnusedInputs) model = removeUnusedInputs(model, changes);
    const refusal = refusedWarning(refused);
    return { model, tensors: 0, warnings: refusal ? [refusal] : [], changes };
  },
};
