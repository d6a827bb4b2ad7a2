import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../src/cli/run';
import { createNodeRuntime } from '../../src/runtime/node';
import type { Runtime } from '../../src/runtime/types';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

let runtime: Runtime | undefined;

/** Runs the CLI in this process (fast): same dispatch and error handling as the real entry. */
export async function cli(...argv: string[]): Promise<CliResult> {
  return cliWithRuntime(runtime ??= createNodeRuntime(), ...argv);
}

/** The same, with the runtime the commands get replaced (to stand in for onnxruntime's verdicts). */
export async function cliWithRuntime(rt: Runtime, ...argv: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => (stdout += `${t}\n`),
    stderr: (t) => (stderr += `${t}\n`),
    runtime: async () => rt,
  });
  return { code, stdout, stderr };
}

const ROOT = resolve(import.meta.dirname, '../..');

/** Runs the real entry in a child process (about a second each: use sparingly). */
export function spawnCli(entry: 'main' | 'bin', ...argv: string[]): CliResult {
  const args = entry === 'main' ? ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...argv] : [join(ROOT, 'bin/featherweight.mjs'), ...argv];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A temporary folder with files written into it; `cleanup` removes it. */
export function tempDir(): { dir: string; write: (name: string, bytes: Uint8Array | string) => string; path: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'featherweight-cli-'));
  return {
    dir,
    path: (name) => join(dir, name),
    write: (name, bytes) => {
      const p = join(dir, name);
      writeFileSync(p, bytes);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
