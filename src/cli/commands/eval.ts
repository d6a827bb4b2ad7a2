import { graphInputSpecs } from '../../core/evaluate/io-spec';
import { synthesizeInputs } from '../../core/evaluate/inputs';
import { compareModels } from '../../runtime/compare';
import { COMMON_OPTIONS, dimFlags, intFlag, parseCommandArgs, rangeFlag, requirePositionals } from '../args';
import type { Command } from '../command';
import { COMMAND_HELP } from '../help';
import { EXIT } from '../exit-codes';
import { formatMetric, formatTable } from '../format';
import { toJson } from '../json';
import { readModelFile, runtimeBytes } from '../model-file';

const NAME = 'eval' as const;


const OPTIONS = {
  ...COMMON_OPTIONS,
  samples: { type: 'string' },
  seed: { type: 'string' },
  dim: { type: 'string', multiple: true },
  range: { type: 'string' },
} as const;

export const evalCommand: Command = {
  async run(argv, env) {
    const { values, positionals } = parseCommandArgs(NAME, argv, OPTIONS);
    if (values.help) {
      env.stdout(COMMAND_HELP[NAME].usage);
      return EXIT.ok;
    }
    requirePositionals(NAME, positionals, ['reference.onnx', 'candidate.onnx']);
    const samples = intFlag(NAME, 'samples', values.samples, 4, 1, 10_000);
    const seed = intFlag(NAME, 'seed', values.seed, 0, 0, 0xffffffff);
    const dims = dimFlags(NAME, values.dim);
    const float = rangeFlag(NAME, values.range);
    const [refPath, candPath] = positionals as [string, string];

    const reference = readModelFile(refPath, NAME);
    const inputs = synthesizeInputs(graphInputSpecs(reference.model), { seed, count: samples, dims, ...(float && { float }) });
    const refBytes = runtimeBytes(reference);
    const candBytes = runtimeBytes(readModelFile(candPath, NAME));
    const runtime = await env.runtime();
    const outputs = await compareModels(runtime, refBytes, candBytes, inputs, env.signal ? { signal: env.signal } : {});

    if (values.json) {
      env.stdout(toJson({ reference: refPath, candidate: candPath, samples, seed, inputs: float ?? { kind: 'normal' }, outputs }));
      return EXIT.ok;
    }
    const distribution = float ? `uniform in [${float.min}, ${float.max})` : 'standard normal';
    env.stdout(`${candPath} vs ${refPath}: ${samples} seeded random sample${samples === 1 ? '' : 's'} (seed ${seed}, ${distribution})`);
    env.stdout(
      formatTable(
        ['output', 'cosine', 'sqnr dB', 'max abs', 'mean abs', 'rel L2', 'non-finite ref/cand'],
        outputs.map((o) => [
          o.name,
          formatMetric(o.cosine),
          formatMetric(o.sqnrDb),
          formatMetric(o.maxAbs),
          formatMetric(o.meanAbs),
          formatMetric(o.relL2),
          `${o.nonFinite.reference}/${o.nonFinite.candidate}`,
        ]),
        ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
      ),
    );
    return EXIT.ok;
  },
};
