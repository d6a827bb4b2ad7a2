/** Usage texts, kept apart from the commands so that printing help loads no command code. */

export type CommandName = 'inspect' | 'compress' | 'bench' | 'eval';

const INSPECT_USAGE = `Usage: featherweight inspect <model.onnx> [--dim name=size]... [--json]

Summarises a model: size, IR version, opsets, inputs and outputs, op histogram (subgraphs
included), parameters and bytes by dtype, the largest layers, estimated MACs and the ops
onnxruntime-web's WebGPU backend would hand back to WASM. External data files are read from
the model's folder.

Options:
  --dim <name=size>    size of a symbolic input dim for the MAC estimate, repeatable (default 1)
  --json               print the full summary as JSON (sizeBytes, irVersion, opsets, producer, inputs,
                       outputs, nodes, opHistogram, params, bytesByDType, layers, macs, webgpu)
  -h, --help           show this help`;

const COMPRESS_USAGE = `Usage: featherweight compress <in.onnx> --recipe <spec> -o <out.onnx> [--json]

Applies a recipe and writes the compressed model (weights inline, one file). The result is
loaded in onnxruntime-web first: a model it rejects is an error (exit 3), never written. The
output is written to a temporary file and renamed into place; the input is never overwritten.

Recipe: steps joined by '+', each name[:key=value,...], for example
  int8-weight

Options:
  --recipe <spec>      the recipe to apply
  -o, --output <path>  where to write the compressed model
  --json               print {input{path,sizeBytes}, output{path,sizeBytes}, steps[{method,tensors,ms}], ms}
  -h, --help           show this help`;

const BENCH_USAGE = `Usage: featherweight bench <model.onnx>... [options]

Measures inference latency in onnxruntime-web on seeded random inputs, one model at a time.

Options:
  --backend <name>     wasm (default) or webgpu (browser only)
  --threads <n>        WASM threads (default 1; fixed for the whole process by the first model)
  --runs <n>           timed runs per model (default 10)
  --warmup <n>         untimed runs after the first run (default 2)
  --dim <name=size>    size of a symbolic input dim, repeatable (default: batch 1, image 64, other 16);
                       'input[axis]=size' sets a dim that has no name
  --seed <n>           seed of the random inputs (default 0)
  --json               print {results[{model,backend,threads,sessionMs,firstRunMs,latencyMs{min,p50,p90,max,mean,n}}]}
  -h, --help           show this help

sessionMs is the time to load the model (onnxruntime itself is started beforehand, so it is not
counted); firstRunMs the first inference on its own; latencyMs summarises the timed runs in
milliseconds. Models run one after another in one process, so their figures are comparable.`;

const EVAL_USAGE = `Usage: featherweight eval <reference.onnx> <candidate.onnx> [options]

Runs both models on the same seeded random inputs (made from the reference's inputs) in
onnxruntime-web and compares every output, pooling all samples.

Options:
  --samples <n>        number of random inputs (default 4)
  --seed <n>           seed of the random inputs (default 0)
  --dim <name=size>    size of a symbolic input dim, repeatable (default: batch 1, image 64, other 16);
                       'input[axis]=size' sets a dim that has no name
  --range=<min,max>    draw float inputs uniformly from [min, max), e.g. --range=-1,1 (default:
                       standard normal); integer inputs are drawn from [0, 10), bools from {0, 1}
  --json               print {samples, seed, inputs, outputs[{name,cosine,sqnrDb,maxAbs,meanAbs,relL2,elements,nonFinite}]}
  -h, --help           show this help

Metrics: cosine similarity; sqnrDb = 10*log10(sum ref^2 / sum (ref-cand)^2); max and mean absolute
difference; relL2 = |ref-cand| / |ref|. NaN/Inf elements are counted in nonFinite and left out.
In JSON, non-finite numbers are written as null: sqnrDb is null when the outputs are identical
(infinite SQNR; maxAbs is then 0).`;

export const COMMAND_HELP: Record<CommandName, { summary: string; usage: string }> = {
  inspect: { summary: 'summarise a model (size, IO, ops, params, largest layers)', usage: INSPECT_USAGE },
  compress: { summary: 'apply a compression recipe and write the new model', usage: COMPRESS_USAGE },
  bench: { summary: 'measure load time and inference latency (onnxruntime-web)', usage: BENCH_USAGE },
  eval: { summary: 'compare a candidate model\'s outputs with a reference on the same random inputs', usage: EVAL_USAGE },
};
export const COMMAND_NAMES = Object.keys(COMMAND_HELP) as CommandName[];

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMAND_HELP, name);
}

export function generalUsage(): string {
  const width = Math.max(...COMMAND_NAMES.map((c) => c.length));
  return [
    'Usage: featherweight <command> [options]',
    '',
    'Commands:',
    ...COMMAND_NAMES.map((c) => `  ${c.padEnd(width)}  ${COMMAND_HELP[c].summary}`),
    '',
    "Run 'featherweight <command> --help' for a command's options.",
    'Exit codes: 0 ok, 1 unexpected failure, 2 bad usage, 3 bad or unsupported model, 130 interrupted.',
  ].join('\n');
}

/** The help for a command, or the general usage for anything else. */
export function usageFor(name: string | undefined): string {
  return name !== undefined && isCommandName(name) ? COMMAND_HELP[name].usage : generalUsage();
}
