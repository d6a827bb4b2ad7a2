import { sharedModel, type ModelIR, type ReadonlyModelIR } from '../ir/model';
import { encodeModel } from '../onnx/encode';
import { changeableNodes } from '../graph/node-patterns';
import { throwIfAborted, yieldToLoop } from '../util/abort';
import { checkpointFor } from '../util/checkpoint';
import { UnsupportedModelError } from '../util/errors';
import { resolveOptions } from './resolve-options';
import { unchangedOutcome } from './unchanged';
import type { LayerChange, MethodContext, MethodModule, MethodOutcome, OpenModel, Teacher } from './types';
import { reconstructDeclaration, RECONSTRUCT_OPTIONS, type ReconstructOptions } from './declarations/reconstruct';
import { calibrationFeeds } from './distill/layer-input-hessians';
import { refitLayers, type RefitLayer } from './distill/reconstruct-targets';
import { RidgeFit } from './distill/ridge-fit';
import { effectiveWeights, fitsBias, realizedWeights, withWeights } from './distill/layer-weights';
import { layerRows } from './distill/layer-rows';
import { truncatedTo } from './distill/truncated-model';
import type { Feeds } from '../evaluate/tensor-data';

/** One layer's fits (one per group), and with lambda tuning those of the held-out samples. */
interface LayerFits {
  fits: RidgeFit[];
  held: RidgeFit[] | undefined;
}

/** Whether sample i is held out to choose lambda on: every fourth one. */
const heldOut = (i: number): boolean => i % 4 === 3;

/** Accumulates one layer's fits: the student's input to it against the teacher's output of it, sample by sample. */
async function accumulate(current: ModelIR, layer: RefitLayer, inputs: readonly Feeds[], tune: boolean, openModel: OpenModel, teacher: Teacher, ctx: MethodContext): Promise<LayerFits | string> {
  const make = (): RidgeFit[] => Array.from({ length: layer.groups }, () => new RidgeFit(layer.k, layer.n, fitsBias(layer)));
  const fits = make();
  const held = tune ? make() : undefined;
  // The student and the teacher each cut down to the value read here: the rest of the graph is not run.
  const session = await openModel(encodeModel(truncatedTo(current, [layer.input])));
  const target = await openModel(encodeModel(truncatedTo(teacher.model, [layer.teacherOutput])));
  try {
    for (const [i, feeds] of inputs.entries()) {
      throwIfAborted(ctx.signal);
      const x = (await session.run(feeds, [layer.input]))[layer.input];
      const y = (await target.run(feeds, [layer.teacherOutput]))[layer.teacherOutput];
      if (x?.dtype !== 'float32' || y?.dtype !== 'float32') return 'its input or the teacher output did not come back as float32';
      const rows = layerRows(layer, x, y);
      if (typeof rows === 'string') return rows;
      const into = held && heldOut(i) ? held : fits;
      for (const [g, r] of rows.entries()) {
        const why = into[g]!.add(r.x, r.y, checkpointFor(ctx));
        if (why) return why;
      }
      await yieldToLoop();
    }
  } finally {
    await session.release();
    await target.release();
  }
  return { fits, held };
}

/** The lambdas tuning tries, as fractions of the mean Gram diagonal. */
export const LAMBDA_GRID = [1e-4, 1e-3, 1e-2, 0.1, 1, 10] as const;

/**
 * The lambda of LAMBDA_GRID whose refit (on the fitting samples) gives the lowest error on the
 * held-out ones, or undefined when none beats the weights the layer has.
 */
function tunedLambda(fits: readonly RidgeFit[], held: readonly RidgeFit[], old: readonly Float64Array[], keepZeros: boolean): number | undefined {
  let best: number | undefined;
  let bestError = held.reduce((sum, h, g) => sum + h.residual(old[g]!), 0);
  for (const lambda of LAMBDA_GRID) {
    let error = 0;
    for (const [g, fit] of fits.entries()) error += held[g]!.residual(refitGroup(fit, old[g]!, lambda, keepZeros) ?? old[g]!);
    if (error < bestError) [best, bestError] = [lambda, error];
  }
  return best;
}

/**
 * The refit of one group, or undefined when it does not lower that group's error. With `keepZeros`,
 * weights a previous step set to exactly zero stay zero, so a pruning step's sparsity is kept (not
 * for quantized layers, where a zero is usually a small weight rounded).
 */
function refitGroup(fit: RidgeFit, old: Float64Array, lambda: number, keepZeros: boolean): Float64Array | undefined {
  const { k, n } = fit;
  const sparse = keepZeros && old.some((v, i) => v === 0 && i < k * n);
  const refit = sparse ? fit.solveMasked(lambda, (i, c) => i === k || old[i * n + c] !== 0, old) : fit.solve(lambda, old);
  return refit && fit.residual(refit) < fit.residual(old) ? refit : undefined;
}

const sqnr = (energy: number, residual: number): number => (residual === 0 ? Infinity : 10 * Math.log10(energy / residual));

async function refitModel(model: ReadonlyModelIR, o: ReconstructOptions, ctx: MethodContext): Promise<MethodOutcome> {
  const { teacher, openModel, onProgress } = ctx;
  if (!teacher) throw new UnsupportedModelError("reconstruct matches each layer to the original model's, so it needs MethodContext.teacher; none was given.");
  if (!openModel) throw new UnsupportedModelError('reconstruct runs the model on calibration samples, so the host must provide MethodContext.openModel (a runtime); none was given.');
  throwIfAborted(ctx.signal);
  const warnings: string[] = [];
  const skipped: string[] = [];
  const layers = refitLayers(model, teacher.model, changeableNodes(o.excludeNodes, ctx.nodeScope), skipped, ctx.channelMaps, o.layers === 'downstream');
  if (skipped.length > 0) warnings.push(`Left ${skipped.length} changed layer(s) as they are: ${skipped.slice(0, 5).join(', ')}${skipped.length > 5 ? ', ...' : ''}.`);
  if (layers.length === 0) return unchangedOutcome(model, 'No MatMul/Gemm/Conv layer with a float weight differs from the original model', warnings, []);
  const { inputs, warning } = calibrationFeeds(teacher.model, ctx, o.samples, 'reconstruct');
  if (warning) warnings.push(warning);
  let current = sharedModel(model);
  const changes: LayerChange[] = [];
  const figures: string[] = [];
  const lambdas: number[] = [];
  for (const [index, layer] of layers.entries()) {
    const name = layer.node.name || layer.node.output[0]!;
    onProgress?.({ kind: 'step', phase: 'reconstruct: refitting layers', index, total: layers.length, item: name });
    const tune = o.tuneLambda && inputs.length >= 4;
    const accumulated = await accumulate(current, layer, inputs, tune, openModel, teacher, ctx);
    if (typeof accumulated === 'string') {
      warnings.push(`Left '${name}' as it is: ${accumulated}.`);
      continue;
    }
    const old = effectiveWeights(current, layer);
    const keepZeros = !layer.quantized && !layer.nbits;
    const { held } = accumulated;
    const lambda = held ? tunedLambda(accumulated.fits, held, old, keepZeros) : o.lambda;
    if (lambda === undefined) {
      warnings.push(`Left '${name}' as it is: no refit lowered its output error on the held-out samples.`);
      continue;
    }
    const fits = held ? accumulated.fits.map((f, g) => f.plus(held[g]!)) : accumulated.fits;
    if (held) lambdas.push(lambda);
    let before = 0;
    let after = 0;
    let energy = 0;
    let refitted = 0;
    const fitted = fits.map((fit, g) => {
      const refit = refitGroup(fit, old[g]!, lambda, keepZeros);
      if (refit) refitted++;
      return refit ?? old[g]!;
    });
    // A quantized layer is judged by what its requantized codes give.
    const next = realizedWeights(layer, fitted);
    for (const [g, fit] of fits.entries()) {
      before += fit.residual(old[g]!);
      after += fit.residual(next[g]!);
      energy += fit.targetEnergy;
    }
    if (refitted === 0 || !(after < before)) {
      warnings.push(`Left '${name}' as it is: the refit did not lower its output error on the samples.`);
      continue;
    }
    current = withWeights(current, layer, fitted);
    figures.push(`${name} ${sqnr(energy, before).toFixed(1)} -> ${sqnr(energy, after).toFixed(1)} dB`);
    let abs = 0;
    let max = 0;
    let sq = 0;
    let signal = 0;
    let count = 0;
    for (const [g, w] of next.entries()) {
      const was = old[g]!;
      for (let i = 0; i < was.length; i++) {
        const e = Math.abs(w[i]! - was[i]!);
        abs += e;
        max = Math.max(max, e);
        sq += e * e;
        signal += was[i]! ** 2;
      }
      count += was.length;
    }
    // The weight's move from what the previous steps left (the output figures are in the notes).
    const outputSqnrDb = { before: sqnr(energy, before), after: sqnr(energy, after) };
    changes.push({ kind: 'weight-error', name: layer.weight.name, maxAbsError: max, meanAbsError: abs / count, sqnrDb: sqnr(signal, sq), outputSqnrDb });
  }
  if (changes.length === 0) return unchangedOutcome(model, 'No layer refit lowered its output error', warnings, []);
  if (lambdas.length > 0) warnings.push(`Lambda chosen on every fourth sample, held out: ${LAMBDA_GRID.map((l) => `${l} for ${lambdas.filter((x) => x === l).length}`).join(', ')} layer(s).`);
  warnings.push(`Layer output SQNR against the original on ${inputs.length} sample(s), before -> after refitting: ${figures.join('; ')}.`);
  return { model: current, tensors: changes.length, warnings, changes };
}

export const reconstruct: MethodModule<typeof RECONSTRUCT_OPTIONS> = {
  ...reconstructDeclaration,
  async apply(model, options, ctx = {}) {
    return refitModel(model, resolveOptions(reconstructDeclaration.id, RECONSTRUCT_OPTIONS, options), ctx);
  },
};
