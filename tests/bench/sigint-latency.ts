/**
 * Ctrl-C inside one big tensor: time from SIGINT to the exit of `featherweight compress` on a
 * one-tensor ~205 MB model (the bench's synthetic builder, one 7168 x 7168 MatMul), the signal sent
 * 0-400 ms after the method's per-tensor progress line. It prints; nothing is asserted (timings
 * are not tested). Usage: npx tsx tests/bench/sigint-latency.ts [recipe...]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encodeModel } from '../../src/core/onnx/encode';
import { syntheticModel } from './synthetic-model';

const ROOT = resolve(import.meta.dirname, '../..');
const LINES: Record<string, RegExp> = {
  'int8-weight': /progress: int8-weight: quantizing/,
  int4: /progress: int4: quantizing/,
  fp16: /progress: fp16: converting/,
  'prune-unstructured': /progress: prune-unstructured: pruning/,
};
const DELAYS_MS = [0, 100, 200, 300, 400];

interface Try {
  ms: number;
  code: number | null;
  written: boolean;
  /** The command stopped at a checkpoint, or main.ts ended its thread after the grace period. */
  stopped: 'at a check' | 'thread ended';
}

async function once(model: string, recipe: string, delay: number, out: string): Promise<Try> {
  rmSync(out, { force: true });
  const child = spawn(process.execPath, [join(ROOT, 'bin/featherweight.mjs'), 'compress', model, '--recipe', recipe, '-o', out, '--progress'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FEATHERWEIGHT_DEBUG: '1' },
  });
  let stderr = '';
  let sentAt = 0;
  child.stderr.on('data', (d: Buffer) => {
    const first = !LINES[recipe]!.test(stderr);
    stderr += d.toString();
    if (first && LINES[recipe]!.test(stderr)) {
      setTimeout(() => {
        sentAt = performance.now();
        child.kill('SIGINT');
      }, delay);
    }
  });
  const code = await new Promise<number | null>((ok) => child.on('exit', (c) => ok(c)));
  return { ms: performance.now() - sentAt, code, written: existsSync(out), stopped: /its thread was ended/.test(stderr) ? 'thread ended' : 'at a check' };
}

const dir = mkdtempSync(join(tmpdir(), 'featherweight-sigint-bench-'));
try {
  const model = join(dir, 'one-tensor.onnx');
  writeFileSync(model, encodeModel(syntheticModel({ matmulLayers: 1, width: 7168, convLayers: 0, channels: 8 })));
  const recipes = process.argv.slice(2).filter((r) => r in LINES);
  for (const recipe of recipes.length > 0 ? recipes : Object.keys(LINES)) {
    const tries: Try[] = [];
    for (const delay of DELAYS_MS) tries.push(await once(model, recipe, delay, join(dir, 'out.onnx')));
    const ms = tries.map((t) => t.ms);
    const odd = tries.filter((t) => t.code !== 130 || t.written);
    const ended = tries.filter((t) => t.stopped === 'thread ended').length;
    console.log(
      `${recipe}: SIGINT -> exit ${Math.min(...ms).toFixed(0)}-${Math.max(...ms).toFixed(0)} ms over ${tries.length} tries (${ms.map((m) => m.toFixed(0)).join(', ')}); ` +
        `${tries.length - ended} stopped at a check, ${ended} ended after the grace period${odd.length > 0 ? `; ${odd.length} did NOT exit 130 without output` : ''}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
