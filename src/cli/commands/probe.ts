import os from 'node:os';
import { probeDevice, type ProbeTarget } from '../../runtime/device-probe';
import { nodeHostFacts } from '../../runtime/node-device';
import { createThreadRuntime, type ThreadRuntime } from '../../runtime/thread-runtime';
import { COMMON_OPTIONS, intFlag, parseCommandArgs, requirePositionals } from '../args';
import type { Command } from '../command';
import { formatProfile } from '../device-format';
import { EXIT } from '../exit-codes';
import { COMMAND_HELP } from '../help';
import { toJson } from '../json';
import { threadsFlag } from '../threads-flag';

const NAME = 'probe' as const;

const OPTIONS = {
  ...COMMON_OPTIONS,
  threads: { type: 'string' },
  'target-ms': { type: 'string' },
} as const;

/** One onnxruntime per thread count, each in its own worker thread (the count is fixed per instance). */
export async function threadRuntimes(counts: readonly number[]): Promise<ThreadRuntime[]> {
  return Promise.all(counts.map((n) => createThreadRuntime(n)));
}

export const probeCommand: Command = {
  async run(argv, env) {
    const { values, positionals } = parseCommandArgs(NAME, argv, OPTIONS);
    if (values.help) {
      env.stdout(COMMAND_HELP[NAME].usage);
      return EXIT.ok;
    }
    requirePositionals(NAME, positionals, []);
    const all = os.availableParallelism();
    const counts = threadsFlag(NAME, values.threads, all, all > 1 ? [1, all] : [1]);
    const targetMs = intFlag(NAME, 'target-ms', values['target-ms'], 60, 1, 10_000);
    const runtimes = await threadRuntimes(counts);
    try {
      const targets: ProbeTarget[] = runtimes.map((runtime) => ({ runtime, backend: 'wasm', threads: runtime.threads }));
      const profile = await probeDevice(nodeHostFacts(), targets, { targetMs, ...(env.signal && { signal: env.signal }) });
      env.stdout(values.json ? toJson(profile) : formatProfile(profile));
      return EXIT.ok;
    } finally {
      await Promise.all(runtimes.map((r) => r.close()));
    }
  },
};
