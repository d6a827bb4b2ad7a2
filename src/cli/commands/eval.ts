import { labelledOutput } from '../../core/evaluate/accuracy';
import { evaluateOutputs, type Evaluation } from '../../core/evaluate/evaluation';
import { synthesizeModelInputs } from '../../core/evaluate/inputs';
import { assertNoUnknownLabels, resolveLabels } from '../../core/evaluate/loaders/labels';
import { outputLayout } from '../../core/evaluate/output-kind';
import type { Feeds } from '../../core/evaluate/tensor-data';
import { runSamples } from '../../runtime/compare';
import { perLayerErrors } from '../../runtime/per-layer';
import type { LayerError } from '../../core/evaluate/per-layer-result';
import { COMMON_OPTIONS, dimFlags, intFlag, parseCommandArgs, rangeFlag, requirePositionals } from '../args';
import { UsageError } from '../cli-errors';
import type { Command } from '../command';
import { numberFlag, preprocessingFromFlags, SAMPLE_OPTIONS } from '../eval-options';
import { readFileInputs, type FileInputs } from '../eval-inputs';
import { COMMAND_HELP } from '../help';
import { EXIT } from '../exit-codes';
import { formatEvaluation, formatLayers } from '../eval-format';
import { toJson } from '../json';
import { assertOutputIsNotInput, readModelFile, runtimeBytes } from '../model-file';
import { buildReport } from '../../core/report';
import { reportModel, reportPathFlag, writeReportFile } from '../report-file';
import { basename } from 'node:path';

const NAME = 'eval' as const;

const OPTIONS = {
  ...COMMON_OPTIONS,
  samples: { type: 'string' },
  seed: { type: 'string' },
  dim: { type: 'string', multiple: true },
  range: { type: 'string' },
  report: { type: 'string' },
  ...SAMPLE_OPTIONS,
} as const;

/** Labels become indices only once the output's class count is known: re-check them against it. */
function labelsFor(files: FileInputs, reference: readonly Feeds[], labelOutput: string | undefined): number[] | undefined {
  const l = files.labelled;
  if (!l) return undefined;
  const output = labelledOutput(reference[0]!, labelOutput);
  const dims = reference[0]![output]!.dims;
  const layout = outputLayout(dims);
  const classes = dims[layout.classAxis ?? dims.length - 1];
  const resolved = resolveLabels(l.entries, l.classList, classes);
  assertNoUnknownLabels(resolved, l.source, classes);
  return resolved.indices;
}

export const evalCommand: Command = {
  async run(argv, env) {
    const { values, positionals } = parseCommandArgs(NAME, argv, OPTIONS);
    if (values.help) {
      env.stdout(COMMAND_HELP[NAME].usage);
      return EXIT.ok;
    }
    requirePositionals(NAME, positionals, ['reference.onnx', 'candidate.onnx']);
    const fromFiles = values.inputs !== undefined || values.labels !== undefined;
    if (fromFiles && (values.samples !== undefined || values.range !== undefined || values.seed !== undefined)) {
      throw new UsageError('--samples, --seed and --range make random inputs; they do not go with --inputs or --labels.', NAME);
    }
    if (values.classes !== undefined && !fromFiles) throw new UsageError('--classes maps labels; it needs --labels or --inputs with a folder per class.', NAME);
    const samples = intFlag(NAME, 'samples', values.samples, 4, 1, 10_000);
    const seed = intFlag(NAME, 'seed', values.seed, 0, 0, 0xffffffff);
    const dims = dimFlags(NAME, values.dim);
    const float = rangeFlag(NAME, values.range);
    const { image, sampleRate } = preprocessingFromFlags(NAME, values);
    const threshold = numberFlag(NAME, 'threshold', values.threshold, -Infinity, Infinity);
    const [refPath, candPath] = positionals as [string, string];
    const signal = env.signal;
    const reportPath = reportPathFlag(NAME, values.report);
    if (reportPath !== undefined) await assertOutputIsNotInput(reportPath, [refPath, candPath], NAME);

    const reference = readModelFile(refPath, NAME);
    const candidate = readModelFile(candPath, NAME);
    const files = fromFiles
      ? await readFileInputs({
          command: NAME,
          model: reference.model,
          ...(values.inputs !== undefined && { folder: values.inputs }),
          ...(values.labels !== undefined && { labelsCsv: values.labels }),
          ...(values.classes !== undefined && { classesFile: values.classes }),
          ...(values['label-output'] !== undefined && { labelOutput: values['label-output'] }),
          options: { dims, image, ...(sampleRate !== undefined && { sampleRate }) },
          ...(signal && { signal }),
        })
      : undefined;
    if (files && files.samples.length === 0) {
      throw new UsageError(`'${files.folder}' holds no sample files (${files.ignored.length} other files); expected images, .wav, .npy, .npz or .json.`, NAME);
    }
    const inputs = files ? files.samples : synthesizeModelInputs(reference.model, { seed, count: samples, dims, ...(float && { float }) });

    const runtime = await env.runtime();
    const refOut = await runSamples(runtime, runtimeBytes(reference), inputs, { label: 'reference', ...(signal && { signal }) });
    const candOut = await runSamples(runtime, runtimeBytes(candidate), inputs, { label: 'candidate', ...(signal && { signal }) });
    const labels = files ? labelsFor(files, refOut, values['label-output']) : undefined;
    const evaluation: Evaluation = evaluateOutputs(refOut, candOut, {
      ...(labels && { labels }),
      ...(values['label-output'] !== undefined && { labelOutput: values['label-output'] }),
      ...(threshold !== undefined && { threshold }),
    });
    const layers: LayerError[] | undefined = values['per-layer']
      ? await perLayerErrors(runtime, reference.model, candidate.model, inputs, signal ? { signal } : {})
      : undefined;

    if (reportPath !== undefined) {
      const used = files
        ? { kind: 'samples' as const, count: inputs.length, of: files.samples.length, labelled: files.labelled !== undefined }
        : { kind: 'synthetic' as const, count: inputs.length, seed, shapes: {} };
      const report = buildReport({
        createdAt: new Date(),
        model: await reportModel(reference),
        variants: [{ label: basename(candPath), sizeBytes: candidate.sizeBytes, evaluation: { inputs: used, evaluation }, ...(layers && { perLayer: layers }) }],
      });
      await writeReportFile(reportPath, report);
    }
    const inputsInfo = files
      ? { kind: 'files', folder: files.folder, files: files.files.length, ignored: files.ignored }
      : (float ?? { kind: 'normal' });
    if (values.json) {
      env.stdout(
        toJson({
          reference: refPath,
          candidate: candPath,
          samples: inputs.length,
          ...(!files && { seed }),
          inputs: inputsInfo,
          ...(files?.labelled && {
            labels: {
              source: files.labelled.source,
              mapping: files.labelled.resolved.mapping,
              ...(files.labelled.resolved.classNames && { classes: files.labelled.resolved.classNames }),
            },
          }),
          outputs: evaluation.outputs,
          ...(evaluation.accuracy && { accuracy: evaluation.accuracy }),
          ...(layers && { layers }),
        }),
      );
      return EXIT.ok;
    }
    const what = files
      ? `${inputs.length} sample${inputs.length === 1 ? '' : 's'} from '${files.folder}'${files.labelled ? ` labelled by ${files.labelled.source === files.folder ? 'class folder' : `'${files.labelled.source}'`} (${files.labelled.resolved.mapping})` : ''}`
      : `${samples} seeded random sample${samples === 1 ? '' : 's'} (seed ${seed}, ${float ? `uniform in [${float.min}, ${float.max})` : 'standard normal'})`;
    env.stdout(`${candPath} vs ${refPath}: ${what}`);
    if (files && files.ignored.length > 0) {
      env.stderr(`featherweight: ${files.ignored.length} file${files.ignored.length === 1 ? ' was' : 's were'} not used: ${files.ignored.slice(0, 5).join(', ')}${files.ignored.length > 5 ? ', ...' : ''}`);
    }
    env.stdout(formatEvaluation(evaluation));
    if (layers) env.stdout(`\n${formatLayers(layers)}`);
    return EXIT.ok;
  },
};
