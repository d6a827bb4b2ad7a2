/**
 * Ctrl-C on a long compress: the real entry (bin/featherweight.mjs) in a child process, on a
 * synthetic model large enough to be mid-work when the signal lands. No timing is asserted;
 * the watchdog only catches a CLI that ignores the signal.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { graph, model, node, valueInfo } from '../../src/core/ir/build';
import { DT } from '../../src/core/ir/dtype';
import { makeFloatTensor } from '../../src/core/ir/tensor';
import { encodeModel } from '../../src/core/onnx/encode';
import { EXIT } from '../../src/cli/exit-codes';

const ROOT = resolve(import.meta.dirname, '../..');
const WATCHDOG_MS = 90_000;
const dir = mkdtempSync(join(tmpdir(), 'featherweight-sigint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A chain of `layers` MatMuls with width x width weights (4 MB each at 1024, 64 MB at 4096). */
function chain(layers: number, width: number): Uint8Array {
  const initializers = [];
  const nodes = [];
  for (let i = 0; i < layers; i++) {
    const w = new Float32Array(width * width);
    for (let k = 0; k < w.length; k++) w[k] = Math.sin(k * 0.37 + i) * 0.05;
    initializers.push(makeFloatTensor(`w${i}`, [width, width], w));
    nodes.push(node('MatMul', [i === 0 ? 'x' : `h${i - 1}`, `w${i}`], [i === layers - 1 ? 'y' : `h${i}`], {}, { name: `fc${i}` }));
  }
  const g = graph({ name: 'chain', inputs: [valueInfo('x', DT.FLOAT, [1, width])], outputs: [valueInfo('y', DT.FLOAT, [1, width])], initializers, nodes });
  return encodeModel(model(g));
}

// Three moments: between the tensors of a method, inside the gzip of the step totals, and inside
// one big tensor's kernel (which holds the command's thread until main.ts ends it).
const MOMENTS = [
  { during: 'int8-weight quantizing', line: /progress: int8-weight: quantizing/, layers: 32, width: 1024 },
  { during: 'the gzip of the totals', line: /progress: gzip size/, layers: 32, width: 1024 },
  { during: 'one 64 MB tensor', line: /progress: int8-weight: quantizing/, layers: 1, width: 4096 },
];

describe.each(MOMENTS)('SIGINT during compress, in $during', ({ line, layers, width }) => {
  it(`stops the command and exits ${EXIT.aborted} without writing the output`, async () => {
    const input = join(dir, `chain-${layers}x${width}.onnx`);
    const output = join(dir, 'out.onnx');
    writeFileSync(input, chain(layers, width));
    const child = spawn(process.execPath, [join(ROOT, 'bin/featherweight.mjs'), 'compress', input, '--recipe', 'int8-weight', '-o', output, '--progress'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // Once a method is at work, the signal handler is surely installed and the run is mid-way.
      if (!sent && line.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const watchdog = setTimeout(() => child.kill('SIGKILL'), WATCHDOG_MS);
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) => child.on('exit', (c, s) => ok({ code: c, signal: s })));
    clearTimeout(watchdog);
    expect(sent).toBe(true);
    expect(signal).toBeNull();
    expect(code).toBe(EXIT.aborted);
    expect(stderr).toContain('featherweight: interrupted, stopping');
    expect(stderr).toContain('featherweight: AbortError: The operation was cancelled.');
    expect(existsSync(output)).toBe(false);
  }, WATCHDOG_MS + 30_000);
});
