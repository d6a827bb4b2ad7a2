/** Usage texts, kept apart from the commands so that printing help loads no command code. */

import { PREPROCESS_FIELDS } from '../core/evaluate/loaders/preprocess-fields';
import { preprocessHelp } from './eval-options';

export type CommandName = 'inspect' | 'compress' | 'bench' | 'eval' | 'recipes' | 'probe';

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

const COMPRESS_USAGE = `Usage: featherweight compress <in.onnx> (--recipe <spec> | --recipe-file <recipe.json> | --goal <id>) -o <out.onnx> [--json]

Applies a recipe and writes the compressed model (weights inline, one file). An output past
--inline-limit (2000 MB: protobuf holds one message under 2 GiB) keeps its weights in one external
data file beside it, <out.onnx>.data, each tensor at an offset aligned to 4096 bytes, written
tensor by tensor. The result is loaded in onnxruntime-web first: a model it rejects is an error
(exit 3), never written. Each file is written to a temporary file and renamed into place (the
data file first); the input is never overwritten.

Recipe: steps joined by '+', each name[:key=value,...], for example
  int8-weight
  int8-static:calibrator=percentile,percentile=99.99,samples=32+fp16-weight
'featherweight recipes' lists every method with its options, defaults and ranges.

Options:
  --recipe <spec>      the recipe to apply
  --recipe-file <path> the same recipe as JSON: {"version":1,"steps":[{"method":"int4","options":{"block":32}}]}
  --goal <id>          a named starting recipe: fastest-cpu, smallest, small-everywhere, half-exact,
                       webgpu-fp16 ('featherweight recipes' says what each is and why)
  --override <n>=<m>   per-layer override, repeatable, first match wins: nodes (exact name, glob or
                       /regex/) = float or method[:options], e.g. 'conv_1*=float' 'head=int4:block=32'
  --calibration <dir>  samples (images, .wav, .npy, .npz, .json) that int8-static calibrates on and
                       int8-weight's bias-correction measures with; without it, seeded synthetic inputs
  --dim <name=value>   a symbolic input dim (or 'input[axis]' for an unnamed one), repeatable: sizes
                       the calibration samples, or the seeded synthetic inputs when there are none
  ${PREPROCESS_FIELDS.map((f) => `--${f.flag.name}`).join(', ')}
                       how calibration images and audio become inputs (as in eval)
  -o, --output <path>  where to write the compressed model
  --inline-limit <MB>  output size past which the weights go to <out.onnx>.data (default 2000)
  --progress           print each phase and its step counter on stderr while it runs
  --report <file>      also write a report (model identity, the variant's sizes, parameters, MACs and
                       gzip size, its recipe) as .json, .md or .csv, by the file's extension
  --json               print {input{path,sizeBytes,externalBytes?,totalBytes?},
                       output{path,sizeBytes,externalData?{path,sizeBytes},totalBytes?}, recipe, calibration?,
                       steps[{method,options,tensors,ms,warnings,changes[{kind,...}],before,after}], ms};
                       before/after: {parameters,macs,storedBytes,gzipBytes}
  -h, --help           show this help`;

const BENCH_USAGE = `Usage: featherweight bench <model.onnx>... [options]

Measures inference latency in onnxruntime-web on seeded random inputs, all models in one run.

Options:
  --backend <name>     wasm (default) or webgpu (browser only)
  --threads <list>     WASM thread counts, comma-separated, 'all' for every logical core (default 1).
                       Several counts (e.g. 1,all) compare them in one run: each count gets its own
                       onnxruntime in a worker thread (the count is fixed per instance), and every
                       model is timed on each, all timed runs interleaved
  --runs <n>           timed runs per model (default 10)
  --warmup <n>         untimed runs after the first run (default 2)
  --dim <name=size>    size of a symbolic input dim, repeatable (default: batch 1, image 64, other 16);
                       'input[axis]=size' sets a dim that has no name
  --seed <n>           seed of the random inputs (default 0)
  --probe              also measure this device's peak MatMul GFLOP/s and streaming GB/s for each
                       thread count (as 'probe' does) and show each model's latency against the
                       lower bound they imply: % of limit = bound / measured p50
  --report <file>      also write a report (the first model as the original, the others as its
                       variants, latency with its spread per thread count; --probe adds the device)
                       as .json, .md or .csv, by the file's extension
  --json               print {results[{model,backend,threads,sessionMs,firstRunMs,latencyMs{min,p50,
                       p90,max,mean,n},bound?{computeMs,memoryMs,boundMs,limitedBy,complete},
                       percentOfLimit?}], models[{model,inputShapes,macs,macsComplete,weightBytes,
                       activationBytes,unknownActivations,webgpuFallback[{name,op,graphPath}]}], probe?[...]}
  -h, --help           show this help

sessionMs is the time to load the model (onnxruntime itself is started beforehand, so it is not
counted); firstRunMs the first inference on its own; latencyMs summarises the timed runs in
milliseconds. All models are loaded first, then their timed runs take turns (run r starts with
model r mod n), so an engine still warming up or a busy machine weighs on all of them alike and
their ratios are fair.

The bound is a roofline: max(2 x MACs / peak FLOP/s, bytes / bandwidth), with MACs of
Conv/MatMul/Gemm only and bytes = weights + every intermediate tensor written and read once as
float32. It is a lower bound; 'incomplete' marks models whose shapes could not all be inferred.
The WebGPU fallback list names the nodes onnxruntime-web's WebGPU backend has no kernel for (from
its op table, as 'inspect' reports); they would run on the CPU, with copies between them.`;

const EVAL_USAGE = `Usage: featherweight eval <reference.onnx> <candidate.onnx> [options]

Runs both models on the same inputs in onnxruntime-web and compares every output, pooling all
samples. Inputs are seeded random ones made from the reference's inputs (--samples), or your own
sample files (--inputs, --labels).

Random inputs:
  --samples <n>        number of random inputs (default 4)
  --seed <n>           seed of the random inputs (default 0)
  --range=<min,max>    draw float inputs uniformly from [min, max), e.g. --range=-1,1 (default:
                       standard normal); integer inputs are drawn from [0, 10), bools from {0, 1}

Sample files:
  --inputs <dir>       a folder of samples, one per file: images (.png, .jpg; .webp in the browser
                       only), .wav, .npy or .json arrays for a single-input model; .npz (or JSON
                       objects) with an array per input name. A folder whose files all lie in
                       subfolders is a labelled set, one subfolder per class.
  --labels <csv>       file,label rows; the files lie in --inputs (default: the CSV's folder)
  --classes <file>     class names, one per line or a JSON array; a name's position is its output
                       index. Without it, integer labels are indices and names are numbered in
                       sorted order (as torchvision's ImageFolder does). Unknown labels are an error.
  --label-output <n>   the output the labels index into (default: the first classifier-shaped one)
${preprocessHelp()}
  --threshold <t>      threshold for the IoU of single-channel maps (default 0.5)

Both:
  --dim <name=size>    size of a symbolic input dim, repeatable (random inputs default to batch 1,
                       image 64, other 16; images default to their own size); 'input[axis]=size'
                       sets a dim that has no name
  --per-layer          also compare every activation both models share (same tensor name), in
                       execution order: SQNR, and a local SQNR of the error each layer adds
  --report <file>      also write a report (the candidate's metrics, accuracy, with --per-layer its
                       worst layers) as .json, .md or .csv, by the file's extension
  --json               print {samples, seed?, inputs, labels?, outputs[{name,cosine,sqnrDb,maxAbs,
                       meanAbs,relL2,elements,nonFinite,kind,top1Agreement?,top5Agreement?,
                       argmaxAgreement?,meanIou?,iou?,positions?}], accuracy{output,samples,reference,
                       candidate,dropPoints,top5?}?, layers[{tensor,node,opType,inputs,sqnrDb,
                       localSqnrDb,cosine,maxAbs,meanAbs,relL2,elements,nonFinite}]?}
  -h, --help           show this help

Metrics: cosine similarity; sqnrDb = 10*log10(sum ref^2 / sum (ref-cand)^2); max and mean absolute
difference; relL2 = |ref-cand| / |ref|. NaN/Inf elements are counted in nonFinite and left out.
By output shape: classifiers ([C], [N, C], [N, C, 1, 1]) get top1Agreement (same top class) and
top5Agreement (the reference's top class in the candidate's top 5, over 5 classes); dense class
outputs ([N, T, C], [N, C, H, W]) get argmaxAgreement and meanIou; single-channel maps
([N, 1, H, W]) get iou of (value > threshold). Accuracy figures are percentages, dropPoints the
reference's minus the candidate's. In JSON, non-finite numbers are written as null:
sqnrDb is null when the outputs are identical (infinite SQNR; maxAbs is then 0).`;

const PROBE_USAGE = `Usage: featherweight probe [--threads <list>] [--target-ms <n>] [--json]

Describes this device for onnxruntime-web: logical cores, memory, Node version and platform,
WebAssembly SIMD / threads / relaxed SIMD, and two measured figures per WASM thread count:
  GFLOP/s  peak float32 MatMul throughput: one n x n x n MatMul per run (2n^3 FLOP), operands made
           in the graph by Expand so no feed is copied; n grows from 128 until a run takes the
           target time; the best of 3 timed runs
  GB/s     streaming bandwidth: Expand to n floats, Add a scalar, ReduceMax (16n bytes per run);
           n grows to 64 MiB per tensor or until a run takes 4x the target time; the figure at
           the largest n (smaller tensors may sit in a cache)
Each thread count runs in its own onnxruntime instance (a worker thread). WebGPU exists only in
the browser: the studio's device panel probes it.

Options:
  --threads <list>     WASM thread counts, comma-separated, 'all' for every core (default 1,all)
  --target-ms <n>      run time at which the sizes stop growing (default 60; smaller is quicker)
  --json               print {host,logicalCores,memoryGiB,userAgent,crossOriginIsolated,wasm{simd,
                       threads,relaxedSimd},wasmThreads,webgpuStatus,figures[{backend,threads,
                       compute{ok,value{gflops,size,runs,method}},bandwidth{ok,value{gbps,
                       tensorBytes,runs,method}},probeMs}],takenAt}
  -h, --help           show this help`;

const RECIPES_USAGE = `Usage: featherweight recipes [--json]

Lists every compression method with its options: key, default, accepted values and meaning. The
studio's recipe form and the --recipe grammar are generated from the same declarations.

Options:
  --json               print {methods[{id,label,description,backends,options[{kind,key,label,help,default,min?,max?,integer?,choices?}]}]}
  -h, --help           show this help`;

export const COMMAND_HELP: Record<CommandName, { summary: string; usage: string }> = {
  inspect: { summary: 'summarise a model (size, IO, ops, params, largest layers)', usage: INSPECT_USAGE },
  compress: { summary: 'apply a compression recipe and write the new model', usage: COMPRESS_USAGE },
  bench: { summary: 'measure load time and inference latency (onnxruntime-web)', usage: BENCH_USAGE },
  recipes: { summary: 'list the compression methods with their options, defaults and ranges', usage: RECIPES_USAGE },
  probe: { summary: 'describe this device: cores, WASM features, measured GFLOP/s and GB/s', usage: PROBE_USAGE },
  eval: { summary: 'compare a candidate with a reference on random inputs or your samples (accuracy, per layer)', usage: EVAL_USAGE },
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
    'Exit codes: 0 ok, 1 unexpected failure, 2 bad usage, 3 bad or unsupported model or sample file, 130 interrupted.',
  ].join('\n');
}

/** The help for a command, or the general usage for anything else. */
export function usageFor(name: string | undefined): string {
  return name !== undefined && isCommandName(name) ? COMMAND_HELP[name].usage : generalUsage();
}
