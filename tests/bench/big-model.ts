/**
 * `npx tsx tests/bench/big-model.ts [--gb 2.2] [--keep]`: a synthetic model whose weights pass
 * 2 GB, kept as model.onnx + model.onnx.data, run through the CLI's `compress` with simplify
 * and with int8-weight, each in its own process under /usr/bin/time: wall time and peak RSS.
 * Prints; never asserts, and is not part of `npm test` (files of gigabytes). The folder is
 * deleted afterwards unless --keep.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { create } from '@bufbuild/protobuf';
import { graph, model, node, valueInfo } from '../../src/core/ir/build';
import { DT } from '../../src/core/ir/dtype';
import { encodeModel } from '../../src/core/onnx/encode';
import { StringStringEntryProtoSchema, TensorProto_DataLocation, TensorProtoSchema } from '../../src/core/onnx/schema';

const WIDTH = 8192;
const ROOT = resolve(import.meta.dirname, '../..');

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Writes `layers` WIDTH x WIDTH fp32 weights into `data`, each filled with its own cheap pseudo-random values, and the model.onnx that refers to them. */
function writeModel(dir: string, layers: number): void {
  const bytes = WIDTH * WIDTH * 4;
  const fd = openSync(join(dir, 'model.onnx.data'), 'w');
  const values = new Float32Array(WIDTH * WIDTH);
  const initializers = [];
  const nodes = [];
  let input = 'x';
  for (let i = 0; i < layers; i++) {
    let s = (i + 1) * 2654435761;
    for (let k = 0; k < values.length; k++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      values[k] = (s / 4294967296 - 0.5) * (2 / Math.sqrt(WIDTH));
    }
    writeSync(fd, new Uint8Array(values.buffer), 0, bytes, i * bytes);
    initializers.push(
      create(TensorProtoSchema, {
        name: `w${i}`,
        dataType: DT.FLOAT,
        dims: [BigInt(WIDTH), BigInt(WIDTH)],
        dataLocation: TensorProto_DataLocation.EXTERNAL,
        externalData: [
          create(StringStringEntryProtoSchema, { key: 'location', value: 'model.onnx.data' }),
          create(StringStringEntryProtoSchema, { key: 'offset', value: String(i * bytes) }),
          create(StringStringEntryProtoSchema, { key: 'length', value: String(bytes) }),
        ],
      }),
    );
    // An Identity per layer gives simplify something to remove.
    nodes.push(node('Identity', [input], [`id${i}`], {}, { name: `id${i}` }));
    nodes.push(node('MatMul', [`id${i}`, `w${i}`], [i === layers - 1 ? 'y' : `h${i}`], {}, { name: `fc${i}` }));
    input = `h${i}`;
  }
  closeSync(fd);
  const m = model(graph({ name: 'big', inputs: [valueInfo('x', DT.FLOAT, [1, WIDTH])], outputs: [valueInfo('y', DT.FLOAT, [1, WIDTH])], initializers, nodes }));
  writeFileSync(join(dir, 'model.onnx'), encodeModel(m));
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function runCompress(dir: string, recipe: string): void {
  const out = join(dir, `model.${recipe}.onnx`);
  const args = ['-v', process.execPath, '--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'compress', join(dir, 'model.onnx'), '--recipe', recipe, '-o', out];
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (performance.now() - t0) / 1000;
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1];
  const lines = r.stderr.split('\n').filter((l) => !l.startsWith('\t'));
  process.stdout.write(`\n${recipe}: exit ${r.status}, wall ${wall.toFixed(1)} s, peak RSS ${rss ? (Number(rss) / 1e6).toFixed(2) : '?'} GB\n`);
  process.stdout.write(`  output: ${out} ${(sizeOf(out) / 1e6).toFixed(1)} MB + data ${(sizeOf(`${out}.data`) / 1e6).toFixed(1)} MB\n`);
  process.stdout.write(`${r.stdout.trim()}\n${lines.join('\n').trim()}\n`);
}

const gb = option('gb', 2.2);
const layers = Math.ceil((gb * 1e9) / (WIDTH * WIDTH * 4));
const dir = mkdtempSync(join(tmpdir(), 'featherweight-big-'));
try {
  const t0 = performance.now();
  writeModel(dir, layers);
  process.stdout.write(
    `model: ${layers} MatMul weights of ${WIDTH}x${WIDTH} fp32, model.onnx ${sizeOf(join(dir, 'model.onnx'))} bytes + model.onnx.data ${(sizeOf(join(dir, 'model.onnx.data')) / 1e9).toFixed(3)} GB, written in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
  );
  for (const recipe of ['simplify', 'int8-weight']) runCompress(dir, recipe);
} finally {
  if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
}
