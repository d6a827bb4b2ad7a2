import { synthesizeModelInputs } from '../../core/evaluate/inputs';
import { warmUpRuntime, type BenchmarkResult } from '../../runtime/benchmark';
import { benchmarkInterleaved } from '../../runtime/interleaved-benchmark';
import { RuntimeError } from '../../core/util/errors';
import type { Backend } from '../../runtime/types';
import { COMMON_OPTIONS, dimFlags, intFlag, parseCommandArgs, requirePositionals } from '../args';
import type { Command } from '../command';
import { COMMAND_HELP } from '../help';
import { EXIT } from '../exit-codes';
import { formatMs, formatTable } from '../format';
import { toJson } from '../json';
import { readModelFile, runtimeBytes } from '../model-file';
import { UsageError } from '../cli-errors';

const NAME = 'bench' as const;

const OPTIONS = {
  ...COMMON_OPTIONS,
  backend: { type: 'string' },
  threads: { type: 'string' },
  runs: { type: 'string' },
  warmup: { type: 'string' },
  dim: { type: 'string', multiple: true },
  seed: { type: 'string' },
} as const;

export interface BenchRow extends BenchmarkResult {
  model: string;
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
    const threads = intFlag(NAME, 'threads', values.threads, 1, 1, 1024);
    const runs = intFlag(NAME, 'runs', values.runs, 10, 1);
    const warmup = intFlag(NAME, 'warmup', values.warmup, 2, 0);
    const seed = intFlag(NAME, 'seed', values.seed, 0, 0, 0xffffffff);
    const dims = dimFlags(NAME, values.dim);

    const runtime = await env.runtime();
    const available = await runtime.availableBackends();
    if (!available.includes(backend)) {
      throw new UsageError(`The ${backend} backend is not available here; available: ${available.join(', ')}.`, NAME);
    }
    await warmUpRuntime(runtime, backend, threads);
    const models = positionals.map((path) => {
      const file = readModelFile(path, NAME);
      const [feeds] = synthesizeModelInputs(file.model, { seed, count: 1, dims });
      return { bytes: runtimeBytes(file), feeds: feeds! };
    });
    // Timed runs take turns across the models, so a warming engine or a busy machine does not favour the ones timed last.
    const timed = await benchmarkInterleaved(runtime, models, { backend, threads, warmup, runs, ...(env.signal && { signal: env.signal }) });
    const results: BenchRow[] = timed.map((t, i) => {
      if (!t.ok) throw new RuntimeError(`${positionals[i]}: ${t.error.message}`);
      return { model: positionals[i]!, ...t.result };
    });
    if (values.json) {
      env.stdout(toJson({ results }));
      return EXIT.ok;
    }
    env.stdout(
      formatTable(
        ['model', 'backend', 'threads', 'load ms', 'first ms', 'p50 ms', 'p90 ms', 'min ms', 'max ms', 'mean ms', 'runs'],
        results.map((r) => [
          r.model,
          r.backend,
          String(r.threads),
          formatMs(r.sessionMs),
          formatMs(r.firstRunMs),
          formatMs(r.latencyMs.p50),
          formatMs(r.latencyMs.p90),
          formatMs(r.latencyMs.min),
          formatMs(r.latencyMs.max),
          formatMs(r.latencyMs.mean),
          String(r.latencyMs.n),
        ]),
        ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
      ),
    );
    return EXIT.ok;
  },
};
