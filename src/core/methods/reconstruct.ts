import { sharedModel, type ModelIR, type ReadonlyModelIR } from '../ir/model';
import { makeFloatTensor, readFloat32, tensorDims } from '../ir/tensor';
import { encodeModel } from '../onnx/encode';
import { exposeTensors } from '../evaluate/intermediate-tensors';
import { editModel } from '../graph/edit-session';
import { changeableNodes } from '../graph/node-patterns';
import { nameAllocator } from '../graph/names';
import { listStoredWeights } from '../graph/weight-uses';
import { throwIfAborted, yieldToLoop } from '../util/abort';
import { UnsupportedModelError } from '../util/errors';
import { resolveOptions } from './resolve-options';
import { unchangedOutcome } from './unchanged';
import type { LayerChange, MethodContext, MethodModule, MethodOutcome, OpenModel, Teacher } from './types';
import { reconstructDeclaration, RECONSTRUCT_OPTIONS, type ReconstructOptions } from './declarations/reconstruct';
import { calibrationFeeds } from './distill/layer-input-hessians';
import { refitLayers, type RefitLayer } from './distill/reconstruct-targets';
import { RidgeFit } from './distill/ridge-fit';
import type { Feeds } from '../evaluate/tensor-data';

/** The layer's effective weights as the fit sees them: alpha·B as K x N rows, then beta·C (when it has a bias). */
function effectiveWeights(model: ModelIR, layer: RefitLayer): Float64Array {
  const stored = new Map(listStoredWeights(model).map((w) => [w.name, w]));
  const { k, n, transposed, alpha, beta } = layer;
  const b = readFloat32(stored.get(layer.weight.name)!.tensor);
  const out = new Float64Array((k + (layer.bias ? 1 : 0)) * n);
  for (let i = 0; i < k; i++) for (let c = 0; c < n; c++) out[i * n + c] = alpha * b[transposed ? c * k + i : i * n + c]!;
  if (layer.bias) {
    const bias = readFloat32(stored.get(layer.bias.name)!.tensor);
    for (let c = 0; c < n; c++) out[k * n + c] = beta * bias[c]!;
  }
  return out;
}

/** The model with the layer's weight (and bias) set from effective weights. */
function withWeights(model: ModelIR, layer: RefitLayer, w: Float64Array): ModelIR {
  const stored = new Map(listStoredWeights(model).map((s) => [s.name, s]));
  const fresh = nameAllocator(model);
  const { k, n, transposed, alpha, beta } = layer;
  const b = new Float32Array(k * n);
  for (let i = 0; i < k; i++) for (let c = 0; c < n; c++) b[transposed ? c * k + i : i * n + c] = w[i * n + c]! / alpha;
  return editModel(model, (session) => {
    const weight = stored.get(layer.weight.name)!;
    session.replaceStored(weight, makeFloatTensor(weight.name, tensorDims(weight.tensor), b), fresh(`${weight.name}_refit`));
    if (layer.bias) {
      const bias = stored.get(layer.bias.name)!;
      const values = Float32Array.from({ length: n }, (_, c) => w[k * n + c]! / beta);
      session.replaceStored(bias, makeFloatTensor(bias.name, tensorDims(bias.tensor), values), fresh(`${bias.name}_refit`));
    }
  });
}

/** Accumulates one layer's fit: the student's input to it against the teacher's output of it, sample by sample. */
async function accumulate(current: ModelIR, layer: RefitLayer, inputs: readonly Feeds[], openModel: OpenModel, teacher: Teacher, ctx: MethodContext): Promise<RidgeFit | string> {
  const fit = new RidgeFit(layer.k, layer.n, layer.bias !== undefined);
  const session = await openModel(encodeModel(exposeTensors(current, [layer.input])));
  try {
    for (const feeds of inputs) {
      throwIfAborted(ctx.signal);
      const x = (await session.run(feeds, [layer.input]))[layer.input];
      const y = (await teacher.activations(feeds, [layer.teacherOutput]))[layer.teacherOutput];
      if (x?.dtype !== 'float32' || y?.dtype !== 'float32') return 'its input or the teacher output did not come back as float32';
      const why = fit.add(x.data as Float32Array, y.data as Float32Array);
      if (why) return why;
      await yieldToLoop();
    }
  } finally {
    await session.release();
  }
  return fit;
}

const sqnr = (energy: number, residual: number): number => (residual === 0 ? Infinity : 10 * Math.log10(energy / residual));

async function refitModel(model: ReadonlyModelIR, o: ReconstructOptions, ctx: MethodContext): Promise<MethodOutcome> {
  const { teacher, openModel, onProgress } = ctx;
  if (!teacher) throw new UnsupportedModelError("reconstruct matches each layer to the original model's, so it needs MethodContext.teacher; none was given.");
  if (!openModel) throw new UnsupportedModelError('reconstruct runs the model on calibration samples, so the host must provide MethodContext.openModel (a runtime); none was given.');
  throwIfAborted(ctx.signal);
  const warnings: string[] = [];
  const skipped: string[] = [];
  const layers = refitLayers(model, teacher.model, changeableNodes(o.excludeNodes, ctx.nodeScope), skipped);
  if (skipped.length > 0) warnings.push(`Left ${skipped.length} changed layer(s) as they are: ${skipped.slice(0, 5).join(', ')}${skipped.length > 5 ? ', ...' : ''}.`);
  if (layers.length === 0) return unchangedOutcome(model, 'No MatMul/Gemm layer with a float weight differs from the original model', warnings, []);
  const { inputs, warning } = calibrationFeeds(teacher.model, ctx, o.samples, 'reconstruct');
  if (warning) warnings.push(warning);
  let current = sharedModel(model);
  const changes: LayerChange[] = [];
  const figures: string[] = [];
  for (const [index, layer] of layers.entries()) {
    const name = layer.node.name || layer.node.output[0]!;
    onProgress?.({ kind: 'step', phase: 'reconstruct: refitting layers', index, total: layers.length, item: name });
    const fit = await accumulate(current, layer, inputs, openModel, teacher, ctx);
    if (typeof fit === 'string') {
      warnings.push(`Left '${name}' as it is: ${fit}.`);
      continue;
    }
    const old = effectiveWeights(current, layer);
    // Weights a previous step set to exactly zero stay zero, so a pruning step's sparsity is kept.
    const k = layer.k;
    const sparse = old.some((v, i) => v === 0 && i < k * layer.n);
    const refit = sparse ? fit.solveMasked(o.lambda, (i, c) => i === k || old[i * layer.n + c] !== 0, old) : fit.solve(o.lambda, old);
    const before = fit.residual(old);
    const after = refit ? fit.residual(refit) : Infinity;
    if (!refit || !(after < before)) {
      warnings.push(`Left '${name}' as it is: the refit did not lower its output error on the samples.`);
      continue;
    }
    current = withWeights(current, layer, refit);
    figures.push(`${name} ${sqnr(fit.targetEnergy, before).toFixed(1)} -> ${sqnr(fit.targetEnergy, after).toFixed(1)} dB`);
    let abs = 0;
    let max = 0;
    let sq = 0;
    let signal = 0;
    for (let i = 0; i < old.length; i++) {
      const e = Math.abs(refit[i]! - old[i]!);
      abs += e;
      max = Math.max(max, e);
      sq += e * e;
      signal += old[i]! ** 2;
    }
    // The weight's move from what the previous steps left (the output figures are in the notes).
    const outputSqnrDb = { before: sqnr(fit.targetEnergy, before), after: sqnr(fit.targetEnergy, after) };
    changes.push({ kind: 'weight-error', name: layer.weight.name, maxAbsError: max, meanAbsError: abs / old.length, sqnrDb: sqnr(signal, sq), outputSqnrDb });
  }
  if (changes.length === 0) return unchangedOutcome(model, 'No layer refit lowered its output error', warnings, []);
  warnings.push(`Layer output SQNR against the original on ${inputs.length} sample(s), before -> after refitting: ${figures.join('; ')}.`);
  return { model: current, tensors: changes.length, warnings, changes };
}

export const reconstruct: MethodModule<typeof RECONSTRUCT_OPTIONS> = {
  ...reconstructDeclaration,
  async apply(model, options, ctx = {}) {
    return refitModel(model, resolveOptions(reconstructDeclaration.id, RECONSTRUCT_OPTIONS, options), ctx);
  },
};
