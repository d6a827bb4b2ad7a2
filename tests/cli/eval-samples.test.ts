import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Feeds } from '../../src/core/evaluate/tensor-data';
import { patch } from '../../src/core/ir/edit';
import type { ModelIR } from '../../src/core/ir/model';
import { makeFloatTensor, readFloat32, tensorDims } from '../../src/core/ir/tensor';
import { encodeModel } from '../../src/core/onnx/encode';
import { seededRandom } from '../../src/core/util/random';
import { runSamples } from '../../src/runtime/compare';
import { createNodeRuntime } from '../../src/runtime/node';
import { mlp } from '../fixtures/models';
import { npyBytes, npzBytes, pngBytes, seededPixels, typedBytes, wavBytes } from '../fixtures/samples';
import { tinyImageClassifier } from '../fixtures/samples-models';
import { cli, tempDir } from './cli-harness';

const tmp = tempDir();
const runtime = createNodeRuntime();
const paths: Record<string, string> = {};
const IMAGES = 12;
let labels: number[] = [];
let expectedAccuracy = { reference: 0, candidate: 0 };

function damage(m: ModelIR, weight: string, amount: number): ModelIR {
  const g = m.graph!;
  const rnd = seededRandom(5);
  const initializer = g.initializer.map((t) =>
    t.name !== weight ? t : makeFloatTensor(weight, tensorDims(t), Float32Array.from(readFloat32(t), (v) => v * (1 + amount * rnd.normal()))),
  );
  return patch(m, { graph: patch(g, { initializer }) });
}

/** NCHW 0..1 pixels straight from the RGBA bytes (8x8 images need no resizing). */
function tensorOf(px: Uint8Array): Feeds {
  const data = new Float32Array(3 * 64);
  for (let c = 0; c < 3; c++) for (let i = 0; i < 64; i++) data[c * 64 + i] = px[i * 4 + c]! / 255;
  return { image: { dtype: 'float32', dims: [1, 3, 8, 8], data } };
}

/** 8x8 pixels of one seeded colour with a seeded brighter half and noise, so images differ in what the classifier sees. */
function tintedPixels(seed: number): Uint8Array {
  const rnd = seededRandom(seed);
  const tint = [rnd.next(), rnd.next(), rnd.next()].map((v) => v * 255);
  const noise = seededPixels(8, 8, seed);
  const vertical = rnd.next() < 0.5;
  return noise.map((n, i) => {
    if (i % 4 === 3) return 255;
    const p = i >> 2;
    const bright = (vertical ? p % 8 : p >> 3) < 4 ? 60 : -60;
    return Math.max(0, Math.min(255, Math.round(tint[i % 4]! + bright + (n - 128) * 0.2)));
  });
}

const argmax = (f: Feeds): number => {
  const d = f.logits!.data as Float32Array;
  return d.indexOf(Math.max(...d));
};

beforeAll(async () => {
  const ref = tinyImageClassifier();
  const cand = damage(ref, 'fc.w', 1.5);
  paths.ref = tmp.write('ref.onnx', encodeModel(ref));
  paths.cand = tmp.write('cand.onnx', encodeModel(cand));
  const pixels = Array.from({ length: IMAGES }, (_, i) => tintedPixels(100 + i));
  const feeds = pixels.map(tensorOf);
  const refTop = (await runSamples(runtime, encodeModel(ref), feeds)).map(argmax);
  const candTop = (await runSamples(runtime, encodeModel(cand), feeds)).map(argmax);
  // Labels: the reference's class for the first 8 images, a wrong one for the last 4.
  labels = refTop.map((c, i) => (i < 8 ? c : (c + 1) % 6));
  const pct = (top: number[]): number => (100 * top.filter((c, i) => c === labels[i]).length) / IMAGES;
  expectedAccuracy = { reference: pct(refTop), candidate: pct(candTop) };
  mkdirSync(tmp.path('byclass'));
  mkdirSync(tmp.path('flat'));
  const csv = ['file,label'];
  pixels.forEach((px, i) => {
    const name = `img${String(i).padStart(2, '0')}.png`;
    mkdirSync(tmp.path(`byclass/c${labels[i]}`), { recursive: true });
    tmp.write(`byclass/c${labels[i]}/${name}`, pngBytes(8, 8, px));
    tmp.write(`flat/${name}`, pngBytes(8, 8, px));
    csv.push(`${name},${labels[i]}`);
  });
  tmp.write('flat/labels.csv', csv.join('\n'));
  paths.classes = tmp.write('classes.txt', ['c0', 'c1', 'c2', 'c3', 'c4', 'c5'].join('\n'));
  mkdirSync(tmp.path('unknown/c9'), { recursive: true });
  mkdirSync(tmp.path('unknown/c1'), { recursive: true });
  tmp.write('unknown/c1/a.png', pngBytes(8, 8, pixels[0]!));
  tmp.write('unknown/c9/b.png', pngBytes(8, 8, pixels[1]!));
  mkdirSync(tmp.path('tensors'));
  const x = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i / 5));
  tmp.write('tensors/a.npy', npyBytes('<f4', [1, 64], typedBytes(x)));
  tmp.write('tensors/b.json', JSON.stringify([Array.from(x, (v) => -v)]));
  tmp.write('tensors/c.wav', wavBytes({ format: 'float32', sampleRate: 8000, channels: [Array.from(x, (v) => v / 2)] }));
  tmp.write('tensors/d.npz', npzBytes({ x: npyBytes('>f8', [64], typedBytes(Float64Array.from(x), true)) }));
  tmp.write('tensors/notes.txt', 'not a sample');
  paths.mlp = tmp.write('mlp.onnx', encodeModel(mlp()));
  paths.mlp99 = tmp.write('mlp99.onnx', encodeModel(mlp(99)));
  mkdirSync(tmp.path('broken'));
  tmp.write('broken/a.npy', npyBytes('<f4', [64], new Uint8Array(100)));
  tmp.write('broken/b.npy', npyBytes('<f4', [2, 32], new Uint8Array(256), { fortran: true }));
});
afterAll(() => tmp.cleanup());

describe('eval on labelled images', () => {
  it('reports accuracy of both models from a folder per class, with agreement and per-layer SQNR', async () => {
    const r = await cli('eval', paths.ref!, paths.cand!, '--inputs', tmp.path('byclass'), '--classes', paths.classes!, '--per-layer', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.samples).toBe(IMAGES);
    expect(out.inputs).toMatchObject({ kind: 'files', files: IMAGES, ignored: [] });
    expect(out.labels).toMatchObject({ mapping: 'class-list', classes: ['c0', 'c1', 'c2', 'c3', 'c4', 'c5'] });
    expect(out.accuracy.output).toBe('logits');
    expect(out.accuracy.reference).toBeCloseTo(expectedAccuracy.reference, 10);
    expect(out.accuracy.candidate).toBeCloseTo(expectedAccuracy.candidate, 10);
    expect(out.accuracy.dropPoints).toBeCloseTo(expectedAccuracy.reference - expectedAccuracy.candidate, 10);
    expect(out.accuracy.reference).toBeCloseTo((100 * 8) / 12, 10);
    expect(expectedAccuracy.candidate).toBeLessThan(expectedAccuracy.reference); // the damage flips some top-1 classes
    const [logits] = out.outputs;
    expect(logits).toMatchObject({ name: 'logits', kind: 'classifier' });
    expect(logits.top1Agreement).toBeGreaterThanOrEqual(0);
    expect(logits.top5Agreement).toBeGreaterThanOrEqual(logits.top1Agreement);
    for (const key of ['cosine', 'sqnrDb', 'maxAbs', 'meanAbs', 'relL2']) expect(typeof logits[key]).toBe('number');
    expect(out.layers.map((l: { tensor: string }) => l.tensor)).toEqual(['centred', 'c', 'r', 'pooled', 'features', 'logits']);
    // only fc's weights were damaged: everything before it is exact (null = infinite SQNR in JSON)
    expect(out.layers.slice(0, 5).map((l: { sqnrDb: number | null }) => l.sqnrDb)).toEqual([null, null, null, null, null]);
    expect(out.layers[5].sqnrDb).toBeCloseTo(logits.sqnrDb, 10);
  });

  it('reads a file,label CSV beside the samples and prints a table with the accuracy', async () => {
    const r = await cli('eval', paths.ref!, paths.cand!, '--labels', tmp.path('flat/labels.csv'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/12 samples from '.*flat' labelled by '.*labels.csv' \(indices\)/);
    expect(r.stdout).toMatch(/top-1 agree/);
    expect(r.stdout).toContain(`top-1 ${expectedAccuracy.reference.toFixed(2)}% -> ${expectedAccuracy.candidate.toFixed(2)}%`);
    expect(r.stdout).toMatch(/top-5 \d+\.\d\d% -> \d+\.\d\d%/);
  });

  it('reports an unknown class folder instead of skipping it (exit 3)', async () => {
    const r = await cli('eval', paths.ref!, paths.cand!, '--inputs', tmp.path('unknown'), '--classes', paths.classes!);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/SampleFormatError: .*unknown: 1 label is unknown: 'c9' \(c9\/b.png\); expected a class of \[c0, c1, c2, c3, c4, c5\]/);
    // without a class list, names are numbered in sorted order; 2 names fit the 6 classes
    const sorted = await cli('eval', paths.ref!, paths.cand!, '--inputs', tmp.path('unknown'), '--json');
    expect(sorted.code).toBe(0);
    expect(JSON.parse(sorted.stdout).labels).toMatchObject({ mapping: 'sorted-names', classes: ['c1', 'c9'] });
  });
});

describe('eval on tensor samples', () => {
  it('feeds .npy, .json, .wav and .npz samples and lists the files it did not use', async () => {
    const r = await cli('eval', paths.mlp!, paths.mlp99!, '--inputs', tmp.path('tensors'), '--sample-rate', '8000', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.samples).toBe(4);
    expect(out.inputs).toMatchObject({ kind: 'files', files: 4, ignored: ['notes.txt'] });
    expect(out.outputs[0]).toMatchObject({ name: 'y', kind: 'classifier', elements: 4 * 32 });
    expect(out.accuracy).toBeUndefined();
    const same = JSON.parse((await cli('eval', paths.mlp!, paths.mlp!, '--inputs', tmp.path('tensors'), '--sample-rate', '8000', '--json')).stdout);
    expect(same.outputs[0]).toMatchObject({ cosine: 1, sqnrDb: null, maxAbs: 0, top1Agreement: 1, top5Agreement: 1 });
  });

  it('names the malformed file and its problem (exit 3)', async () => {
    const r = await cli('eval', paths.mlp!, paths.mlp99!, '--inputs', tmp.path('broken'));
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/SampleFormatError: a.npy: the data is truncated: shape \(64\) of f4 needs 256 bytes, found 100/);
    expect(r.stdout).toBe('');
  });

  it.each([
    [['--inputs', 'somewhere', '--samples', '3'], /--samples, --seed and --range make random inputs; they do not go with --inputs/],
    [['--inputs', '/definitely/not/here'], /Cannot read --inputs '\/definitely\/not\/here': no such folder/],
    [['--classes', 'c.txt'], /--classes maps labels; it needs --labels or --inputs/],
    [['--inputs', 'x', '--scale', '0..2'], /--scale was '0..2'; expected one of 0..1, 0..255, -1..1/],
    [['--inputs', 'x', '--mean', '1,2'], /--mean was '1,2'; expected three numbers/],
  ])('refuses %j with exit 2', async (flags, message) => {
    const r = await cli('eval', paths.mlp!, paths.mlp99!, ...flags);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
