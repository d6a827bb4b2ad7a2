import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  applyRecipe,
  calibrationSubset,
  createTeacher,
  goalRecipe,
  parseOverride,
  parseRecipe,
  recipeFromJson,
  recipeToJson,
  type Recipe,
  type StepReport,
} from '../../core/recipe';
import { summarizeChanges } from '../../core/methods/changes';
import { RecipeError, RuntimeError } from '../../core/util/errors';
import { COMMON_OPTIONS, dimFlags, parseCommandArgs, requirePositionals } from '../args';
import { PREPROCESS_OPTIONS, preprocessingFromFlags } from '../eval-options';
import { readFileInputs } from '../eval-inputs';
import type { ModelIR } from '../../core/ir/model';
import type { Command } from '../command';
import { COMMAND_HELP } from '../help';
import { EXIT } from '../exit-codes';
import { formatBytes, formatCount, formatMs, formatMsValue } from '../../core/util/format';
import { formatTable } from '../format';
import { toJson } from '../json';
import { assertOutputIsNotInput, readModelFile } from '../model-file';
import { externalDataName, writeOutputModel } from '../output-model';
import { DEFAULT_INLINE_LIMIT_BYTES, encodedByteLength } from '../../core/onnx/external-output';
import { UsageError } from '../cli-errors';
import { progressLines } from '../progress-lines';
import { guessedDims, guessedDimsAdvice } from '../guessed-dims';
import { verifyEncodedLoads } from '../../runtime/verify';
import { modelOpener } from '../../runtime/calibrate';
import { constantRunner } from '../../runtime/constant-runner';
import type { OpenModel } from '../../core/methods/types';
import { buildReport } from '../../core/report';
import { reportModel, reportPathFlag, writeReportFile } from '../report-file';

const NAME = 'compress' as const;

const OPTIONS = {
  ...COMMON_OPTIONS,
  recipe: { type: 'string' },
  'recipe-file': { type: 'string' },
  goal: { type: 'string' },
  override: { type: 'string', multiple: true },
  output: { type: 'string', short: 'o' },
  calibration: { type: 'string' },
  dim: { type: 'string', multiple: true },
  progress: { type: 'boolean' },
  report: { type: 'string' },
  'inline-limit': { type: 'string' },
  ...PREPROCESS_OPTIONS,
} as const;

/** A recipe in the JSON form the studio and `recipes --json` use, read from a file. */
function readRecipeFile(path: string): Recipe {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`Cannot read the recipe file '${path}': ${(e as Error).message}`, NAME);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new RecipeError(`The recipe file '${path}' is not valid JSON (${(e as Error).message}); expected {"steps":[{"method":…,"options":{…}}]}.`);
  }
  return recipeFromJson(json);
}

/** Each --override '<nodes>=<method>' after the recipe's own overrides (first match wins). */
function withOverrides(recipe: Recipe, texts: readonly string[]): Recipe {
  if (texts.length === 0) return recipe;
  const own = recipe.overrides ?? [];
  return { ...recipe, overrides: [...own, ...texts.map((t, i) => parseOverride(t, own.length + i))] };
}

type CompressFlags = Readonly<Record<string, unknown>> & { dim?: string[] };

/** The samples in --calibration DIR as model inputs (images and audio preprocessed by the same flags as `eval`). */
async function readCalibration(values: CompressFlags, folder: string, model: ModelIR, dims: Record<string, number>, signal: AbortSignal | undefined) {
  const { image, sampleRate } = preprocessingFromFlags(NAME, values);
  const files = await readFileInputs({
    command: NAME,
    model,
    folder,
    folderFlag: '--calibration',
    options: { dims, image, ...(sampleRate !== undefined && { sampleRate }) },
    ...(signal && { signal }),
  });
  if (files.samples.length === 0) throw new UsageError(`--calibration '${folder}' holds no samples (images, .wav, .npy, .npz or .json files).`, NAME);
  return files;
}

/** --inline-limit <MB>: the output size (decimal MB) past which its weights go to an external data file. */
function inlineLimitFlag(text: string | undefined): number {
  if (text === undefined) return DEFAULT_INLINE_LIMIT_BYTES;
  const mb = Number(text);
  if (!/^[0-9.]+$/.test(text) || !Number.isFinite(mb) || mb <= 0 || mb * 1e6 > DEFAULT_INLINE_LIMIT_BYTES) {
    throw new UsageError(`--inline-limit '${text}' must be a size in MB above 0 and at most ${DEFAULT_INLINE_LIMIT_BYTES / 1e6} (protobuf holds one message under 2 GiB).`, NAME);
  }
  return Math.round(mb * 1e6);
}

const arrow = (before: string, after: string): string => (before === after ? before : `${before} -> ${after}`);

/** The human form of the step reports: one row of totals per step, then each step's changes by kind. */
function stepTable(steps: readonly StepReport[]): string {
  const table = formatTable(
    ['step', 'tensors', 'ms', 'parameters', 'MACs', 'stored', 'gzip'],
    steps.map((s) => [
      s.overrideNodes ? `${s.method} (${s.overrideNodes.join(', ')})` : s.method,
      String(s.tensors),
      formatMsValue(s.ms),
      arrow(formatCount(s.before.parameters), formatCount(s.after.parameters)),
      arrow(formatCount(s.before.macs), formatCount(s.after.macs)),
      arrow(formatBytes(s.before.storedBytes), formatBytes(s.after.storedBytes)),
      arrow(formatBytes(s.before.gzipBytes), formatBytes(s.after.gzipBytes)),
    ]),
    ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
  const changes = steps.flatMap((s) => summarizeChanges(s.changes).map((line) => `  ${s.method}: ${line}`));
  return [table, ...changes].join('\n');
}

/** A runtime failure while running on synthetic inputs says which dims were guessed and how to set them. */
async function withGuessedDimsAdvice<T>(guessed: readonly string[], run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof RuntimeError && guessed.length > 0) throw new RuntimeError(`${e.message} ${guessedDimsAdvice(guessed)}`);
    throw e;
  }
}

export const compressCommand: Command = {
  async run(argv, env) {
    const { values, positionals } = parseCommandArgs(NAME, argv, OPTIONS);
    if (values.help) {
      env.stdout(COMMAND_HELP[NAME].usage);
      return EXIT.ok;
    }
    requirePositionals(NAME, positionals, ['in.onnx']);
    const recipeFile = values['recipe-file'];
    const given = [values.recipe, recipeFile, values.goal].filter((v) => v !== undefined).length;
    if (given === 0) throw new UsageError('Missing --recipe <spec>, --recipe-file <recipe.json> or --goal <id>.', NAME);
    if (given > 1) throw new UsageError('Give one of --recipe, --recipe-file or --goal.', NAME);
    if (values.output === undefined) throw new UsageError('Missing -o <out.onnx>.', NAME);
    if (values.calibration === undefined) {
      const unused = Object.keys(PREPROCESS_OPTIONS).filter((k) => (values as Record<string, unknown>)[k] !== undefined);
      if (unused.length > 0) throw new UsageError(`--${unused.join(', --')} only shape the samples of --calibration <dir>; give the folder or leave them out.`, NAME);
    }
    const inPath = positionals[0]!;
    const outPath = values.output;
    const inlineLimitBytes = inlineLimitFlag(values['inline-limit']);
    // Past the inline limit the weights go beside the output, as <out>.data.
    const dataPath = join(dirname(outPath), externalDataName(outPath));
    await assertOutputIsNotInput(outPath, [inPath], NAME);
    await assertOutputIsNotInput(dataPath, [inPath], NAME);
    const reportPath = reportPathFlag(NAME, values.report);
    if (reportPath !== undefined) await assertOutputIsNotInput(reportPath, [inPath, outPath], NAME);
    const base = recipeFile !== undefined ? readRecipeFile(recipeFile) : values.goal !== undefined ? goalRecipe(values.goal) : parseRecipe(values.recipe!);
    const recipe = withOverrides(base, values.override ?? []);

    const start = performance.now();
    const input = readModelFile(inPath, NAME);
    await assertOutputIsNotInput(outPath, input.externalPaths, NAME);
    await assertOutputIsNotInput(dataPath, input.externalPaths, NAME);
    // Methods that run the model (int8-static calibration, bias correction) get the runtime, loaded only when asked.
    const openModel: OpenModel = async (modelBytes) => modelOpener(await env.runtime())(modelBytes);
    // simplify computes with it the constant subgraphs of operators the core does not evaluate.
    const runConstants = constantRunner(() => env.runtime());
    const dims = dimFlags(NAME, values.dim);
    const calibration = values.calibration === undefined ? undefined : await readCalibration(values, values.calibration, input.model, dims, env.signal);
    // As many of the samples as the recipe runs, spread over the folder (the studio picks them the same way).
    const calibrationInputs = calibration && calibrationSubset(calibration.samples, recipe);
    const teacher = createTeacher(input.model, openModel);
    let result;
    try {
      result = await withGuessedDimsAdvice(calibrationInputs === undefined ? guessedDims(input.model, dims) : [], () => applyRecipe(input.model, recipe, {
        openModel,
        runConstants,
        inputDims: dims,
        teacher,
        output: { inlineLimitBytes, externalLocation: externalDataName(outPath) },
        ...(env.signal && { signal: env.signal }),
        ...(env.cancelFlag && { cancelFlag: env.cancelFlag }),
        ...(values.progress && { onProgress: progressLines(env.stderr) }),
        ...(calibrationInputs && { calibrationInputs }),
      }));
    } finally {
      await teacher.release();
    }
    const { bytes, steps, output } = result;
    const verified = await verifyEncodedLoads(await env.runtime(), output);
    const writtenData = await writeOutputModel(outPath, output, env.signal);
    const ms = performance.now() - start;
    // Sizes count the external data files too: the input's data files, the output's data file.
    const inTotal = input.sizeBytes + input.externalBytes;
    const outTotal = encodedByteLength(output);
    if (reportPath !== undefined) {
      const variant = { label: basename(outPath), recipe, sizeBytes: outTotal, steps };
      await writeReportFile(reportPath, buildReport({ createdAt: new Date(), model: await reportModel(input), variants: [variant] }));
    }

    if (values.json) {
      env.stdout(
        toJson({
          input: { path: inPath, sizeBytes: input.sizeBytes, ...(input.externalBytes > 0 && { externalBytes: input.externalBytes, totalBytes: inTotal }) },
          output: {
            path: outPath,
            sizeBytes: bytes.byteLength,
            ...(writtenData && { externalData: { path: writtenData, sizeBytes: output.external!.size }, totalBytes: outTotal }),
          },
          ...(!verified && { loadChecked: false }),
          recipe: recipeToJson(recipe),
          ...(calibration && { calibration: { folder: calibration.folder, samples: calibration.samples.length, used: calibrationInputs?.length ?? 0, ignored: calibration.ignored } }),
          steps,
          ms,
        }),
      );
      return EXIT.ok;
    }
    if (calibration && !calibrationInputs) env.stderr(`warning: no step of this recipe calibrates, so the samples in '${calibration.folder}' were not used.`);
    if (calibration?.ignored.length) env.stderr(`warning: ${calibration.ignored.length} file(s) in '${calibration.folder}' are not samples: ${calibration.ignored.slice(0, 5).join(', ')}.`);
    for (const s of steps) for (const w of s.warnings) env.stderr(`warning (${s.method}): ${w}`);
    if (!verified) env.stderr(`warning: the output's external data (${formatBytes(output.external!.size)}) is more than onnxruntime-web can take in one file, so it was written without being loaded first.`);
    const ratio = outTotal > 0 ? inTotal / outTotal : 0;
    const inText = input.externalBytes > 0 ? `${formatBytes(inTotal)} with its external data` : formatBytes(inTotal);
    const outText = writtenData ? `${formatBytes(outTotal)}: ${formatBytes(bytes.byteLength)} + weights in ${writtenData}` : formatBytes(outTotal);
    env.stdout(`${inPath} (${inText}) -> ${outPath} (${outText}), ${ratio.toFixed(2)}x smaller, in ${formatMs(ms)}`);
    env.stdout(stepTable(steps));
    return EXIT.ok;
  },
};
