import os from 'node:os';
import { boundFor, modelCost, percentOfLimit, type LatencyBound, type ModelCost } from '../../core/device/roofline';
import { webgpuFallbackNodes, type FallbackNode } from '../../core/device/webgpu-fallback';
import type { BackendFigures } from '../../core/device/profile';
import { synthesizeModelInputs } from '../../core/evaluate/inputs';
import { warmUpRuntime } from '../../runtime/benchmark';
import type { BenchmarkResult } from '../../core/evaluate/bench-result';
import { benchmarkInterleaved, type TimedModel } from '../../runtime/interleaved-benchmark';
import { measureBackend } from '../../runtime/throughput';
import { RuntimeError } from '../../core/util/errors';
import type { Backend, Runtime } from '../../runtime/types';
import { COMMON_OPTIONS, dimFlags, intFlag, parseCommandArgs, requirePositionals } from '../args';
import type { Command } from '../command';
import { COMMAND_HELP } from '../help';
import { EXIT } from '../exit-codes';
import { formatBytes, formatCount, formatMsValue } from '../../core/util/format';
import { formatTable } from '../format';
import { toJson } from '../json';
import { readModelFile, runtimeBytes } from '../model-file';
import { UsageError } from '../cli-errors';
import { formatFigures } from '../device-format';
import { threadsFlag } from '../threads-flag';
import { threadRuntimes } from './probe';
import { speedLine, speedRows } from '../speed-lines';
import { nodeHostFacts } from '../../runtime/node-device';
import { benchReport } from '../bench-report';
import { reportPathFlag, writeReportFile } from '../report-file';
import { assertOutputIsNotInput } from '../model-file';

const NAME = 'bench' as const;

const OPTIONS = {
  ...COMMON_OPTIONS,
  backend: { type: 'string' },
  threads: { type: 'string' },
  runs: { type: 'string' },
  warmup: { type: 'string' },
  dim: { type: 'string', multiple: true },
  seed: { type: 'string' },
  probe: { type: 'boolean' },
  report: { type: 'string' },
} as const;

export interface BenchRow extends BenchmarkResult {
  model: string;
  bound?: LatencyBound;
  percentOfLimit?: number;
}

/** What the static analysis says about a model run with the benchmark's input shapes. */
interface ModelFacts extends ModelCost {
  model: string;
  inputShapes: Record<string, number[]>;
  webgpuFallback: FallbackNode[];
}

/** Where one thread count runs: the CLI's own runtime for a single count, else a worker-thread runtime per count. */
interface Lane {
  runtime: Runtime;
  threads: number;
}

function fallbackLine(m: ModelFacts): string {
  if (m.webgpuFallback.length === 0) return `${m.model}: none, every node has a WebGPU kernel`;
  const ops = [...new Set(m.webgpuFallback.map((n) => n.op))].sort().join(', ');
  const names = m.webgpuFallback.slice(0, 8).map((n) => n.name).join(', ');
  const more = m.webgpuFallback.length > 8 ? `, and ${m.webgpuFallback.length - 8} more` : '';
  return `${m.model}: ${m.webgpuFallback.length} node(s) (${ops}): ${names}${more}`;
}

export const benchCommand: Command = {
  async run(argv, env) {
    const { values, positionals } = parseCommandArgs(NAME, argv, OPTIONS);
    if (values.help) {
      env.stdout(COMMAND_HELP[NAME].usage);
      return EXIT.ok;
    }
    requirePositionals(NAME, positionals, ['model.onnx'], true);
    const backend = (values.backend ?? 'wasm') as Backend;
    if (backend !== 'wasm' && backend !== 'webgpu') throw new UsageError(`--backend was '${values.backend}'; expected wasm or webgpu.`, NAME);
    const counts = threadsFlag(NAME, values.threads, os.availableParallelism());
    const runs = intFlag(NAME, 'runs', values.runs, 10, 1);
    const warmup = intFlag(NAME, 'warmup', values.warmup, 2, 0);
    const seed = intFlag(NAME, 'seed', values.seed, 0, 0, 0xffffffff);
    const dims = dimFlags(NAME, values.dim);
    const reportPath = reportPathFlag(NAME, values.report);
    if (reportPath !== undefined) await assertOutputIsNotInput(reportPath, positionals, NAME);

    const runtime = await env.runtime();
    const available = await runtime.availableBackends();
    if (!available.includes(backend)) {
      throw new UsageError(`The ${backend} backend is not available here; available: ${available.join(', ')}.`, NAME);
    }
    if (counts.length > 1 && backend !== 'wasm') throw new UsageError('Several --threads counts compare WASM thread pools; use --backend wasm.', NAME);
    const files = positionals.map((path) => {
      const file = readModelFile(path, NAME);
      const [feeds] = synthesizeModelInputs(file.model, { seed, count: 1, dims });
      return { path, file, feeds: feeds! };
    });
    const models: ModelFacts[] = files.map(({ path, file, feeds }) => {
      const inputShapes = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, [...t.dims]]));
      return { model: path, inputShapes, ...modelCost(file.model, inputShapes), webgpuFallback: webgpuFallbackNodes(file.model) };
    });

    const threaded = counts.length > 1 ? await threadRuntimes(counts) : [];
    try {
      const lanes: Lane[] = threaded.length > 0 ? threaded.map((r) => ({ runtime: r, threads: r.threads })) : [{ runtime, threads: counts[0]! }];
      const signal = env.signal && { signal: env.signal };
      let probe: BackendFigures[] | undefined;
      if (values.probe) {
        probe = [];
        for (const lane of lanes) probe.push(await measureBackend(lane.runtime, { backend, threads: lane.threads, ...signal }));
      }
      for (const lane of lanes) await warmUpRuntime(lane.runtime, backend, lane.threads);
      // Every model on every lane, all in one interleaved run, so neither drift nor order favours one.
      const timedModels: (TimedModel & { file: number })[] = lanes.flatMap((lane) =>
        files.map((f, file) => ({ bytes: runtimeBytes(f.file), feeds: f.feeds, runtime: lane.runtime, threads: lane.threads, file })),
      );
      const timed = await benchmarkInterleaved(runtime, timedModels, { backend, threads: counts[0]!, warmup, runs, ...signal });
      const results: BenchRow[] = timed.map((t, i) => {
        const { file } = timedModels[i]!;
        if (!t.ok) throw new RuntimeError(`${positionals[file]}: ${t.error.message}`);
        // The run-by-run times stay out of the rows (they feed the speed interval only).
        const { samplesMs: _runs, ...figures } = t.result;
        const row: BenchRow = { model: positionals[file]!, ...figures };
        const bound = probe && boundFor(models[file]!, probe, t.result.backend, t.result.threads);
        if (bound) {
          row.bound = bound;
          row.percentOfLimit = percentOfLimit(t.result.latencyMs.p50, bound);
        }
        return row;
      });
      const speed = speedRows(timed.map((t, i) => ({ model: positionals[timedModels[i]!.file]!, threads: t.ok ? t.result.threads : 0, ...(t.ok && t.result.samplesMs && { samplesMs: t.result.samplesMs }) })));
      if (reportPath !== undefined) {
        const report = await benchReport({ files: files.map((f) => f.file), results, fileOf: timedModels.map((t) => t.file), settings: { runs, warmup, seed, samples: 0 }, ...(probe && { device: { ...nodeHostFacts(), figures: probe, takenAt: Date.now() } }) });
        await writeReportFile(reportPath, report);
      }
      if (values.json) {
        env.stdout(toJson({ results, models, ...(speed.length > 0 && { speed }), ...(probe && { probe }) }));
        return EXIT.ok;
      }
      const limitColumns = probe ? ['bound ms', '% of limit'] : [];
      env.stdout(
        formatTable(
          ['model', 'backend', 'threads', 'load ms', 'first ms', 'p50 ms', 'p90 ms', 'min ms', 'max ms', 'mean ms', 'runs/s', 'runs', ...limitColumns],
          results.map((r) => [
            r.model,
            r.backend,
            String(r.threads),
            formatMsValue(r.sessionMs),
            formatMsValue(r.firstRunMs),
            formatMsValue(r.latencyMs.p50),
            formatMsValue(r.latencyMs.p90),
            formatMsValue(r.latencyMs.min),
            formatMsValue(r.latencyMs.max),
            formatMsValue(r.latencyMs.mean),
            r.throughputPerSec.toFixed(r.throughputPerSec >= 100 ? 0 : 1),
            String(r.latencyMs.n),
            ...(probe ? [r.bound ? formatMsValue(r.bound.boundMs) : '-', r.percentOfLimit !== undefined ? `${r.percentOfLimit.toFixed(1)}%${r.bound?.complete ? '' : ' (incomplete)'}` : '-'] : []),
          ]),
          ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
        ),
      );
      if (speed.length > 0) env.stdout(['', 'Speed (ratio of medians, runs interleaved and paired):', ...speed.map(speedLine)].join('\n'));
      if (probe) {
        env.stdout(
          [
            '',
            'Work per run (static estimate):',
            ...models.map(
              (m) =>
                `${m.model}: ${formatCount(m.macs)} MACs${m.macsComplete ? '' : ' (incomplete: some shapes unknown)'}, weights ${formatBytes(m.weightBytes)}, activations ${formatBytes(m.activationBytes)}${m.unknownActivations ? ` (${m.unknownActivations} tensors of unknown shape left out)` : ''}`,
            ),
            '',
            'This device (bound = max(2 x MACs / GFLOP/s, bytes / GB/s); % of limit = bound / p50):',
            formatFigures(probe),
          ].join('\n'),
        );
      }
      env.stdout(['', 'Nodes that would fall back off WebGPU (op table of onnxruntime-web):', ...models.map(fallbackLine)].join('\n'));
      return EXIT.ok;
    } finally {
      await Promise.all(threaded.map((r) => r.close()));
    }
  },
};
