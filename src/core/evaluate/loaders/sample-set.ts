import { throwIfAborted, yieldToLoop } from '../../util/abort';
import type { LongCallOptions } from '../../util/progress';
import type { IOSpecLike } from '../io-spec';
import type { Feeds, TensorData } from '../tensor-data';
import { fitToInput } from './fit-input';
import { imageToInput, type ImageOptions } from './image-input';
import type { RgbaImage } from './image-preprocess';
import { parseJsonSample } from './json-array';
import { parseNpy } from './npy';
import { parseNpz } from './npz';
import { SampleFormatError } from './sample-error';
import { loadWavMono } from './wav';

export type SampleKind = 'image' | 'audio' | 'npy' | 'npz' | 'json';

const KINDS: Record<string, SampleKind> = {
  png: 'image',
  jpg: 'image',
  jpeg: 'image',
  webp: 'image',
  wav: 'audio',
  npy: 'npy',
  npz: 'npz',
  json: 'json',
};

/** What a file holds, by its extension; undefined for files that are not samples. */
export function sampleKindOf(path: string): SampleKind | undefined {
  const dot = path.lastIndexOf('.');
  return dot < 0 ? undefined : KINDS[path.slice(dot + 1).toLowerCase()];
}

/** A file the host can read on demand (disk in the CLI, a dropped File in the browser). */
export interface SampleSource {
  /** Path relative to the samples folder, '/'-separated. */
  path: string;
  read(): Promise<Uint8Array>;
}

/** Host image decoding: pngjs/jpeg-js in Node, createImageBitmap in the browser. */
export type ImageDecoder = (bytes: Uint8Array, file: string) => Promise<RgbaImage>;

export interface SampleOptions {
  /** The model's inputs (graphInputSpecs). */
  inputs: readonly IOSpecLike[];
  /** Sizes for symbolic dims, as for synthesized inputs. */
  dims?: Readonly<Record<string, number>>;
  image?: ImageOptions;
  /** Rate audio is resampled to; required for WAV samples. */
  sampleRate?: number;
  /** Needed for image samples. */
  decodeImage?: ImageDecoder;
}

function singleInput(options: SampleOptions, file: string, what: string): IOSpecLike {
  if (options.inputs.length !== 1) {
    throw new SampleFormatError(
      file,
      `${what} feeds one input, but the model has ${options.inputs.length} ([${options.inputs.map((i) => i.name).join(', ')}]); expected an .npz or a JSON object with an array per input name.`,
    );
  }
  return options.inputs[0]!;
}

function namedFeeds(tensors: Feeds, options: SampleOptions, file: string): Feeds {
  const dims = options.dims ?? {};
  const names = options.inputs.map((i) => i.name);
  const extra = Object.keys(tensors).filter((n) => !names.includes(n));
  const missing = names.filter((n) => !(n in tensors));
  if (extra.length > 0 || missing.length > 0) {
    const parts = [missing.length > 0 && `no array for [${missing.join(', ')}]`, extra.length > 0 && `arrays [${extra.join(', ')}] match no input`].filter(Boolean);
    throw new SampleFormatError(file, `${parts.join(' and ')}; expected one array per model input [${names.join(', ')}].`);
  }
  const feeds: Feeds = {};
  for (const spec of options.inputs) feeds[spec.name] = fitToInput(tensors[spec.name]!, spec, dims, `${file}:${spec.name}`);
  return feeds;
}

function oneTensor(t: TensorData, options: SampleOptions, file: string, what: string): Feeds {
  const spec = singleInput(options, file, what);
  return { [spec.name]: fitToInput(t, spec, options.dims ?? {}, file) };
}

/** Reads one sample file into the model's feeds. Throws SampleFormatError naming the file for anything unusable. */
export async function loadSample(source: SampleSource, options: SampleOptions): Promise<Feeds> {
  const file = source.path;
  const kind = sampleKindOf(file);
  if (!kind) throw new SampleFormatError(file, 'unknown sample type; expected .png, .jpg, .jpeg, .webp, .wav, .npy, .npz or .json.');
  const bytes = await source.read();
  switch (kind) {
    case 'npy':
      return oneTensor(parseNpy(bytes, file), options, file, 'An .npy sample');
    case 'npz':
      return namedFeeds(parseNpz(bytes, file), options, file);
    case 'json': {
      const sample = parseJsonSample(bytes, file);
      return sample.kind === 'named' ? namedFeeds(sample.tensors, options, file) : oneTensor(sample.tensor, options, file, 'A JSON array');
    }
    case 'audio': {
      if (options.sampleRate === undefined) throw new SampleFormatError(file, 'no sample rate is set for audio; expected the rate the model takes (e.g. 16000).');
      const audio = loadWavMono(bytes, file, options.sampleRate);
      return oneTensor({ dtype: 'float32', dims: [audio.samples.length], data: audio.samples }, options, file, 'A WAV sample');
    }
    case 'image': {
      const spec = singleInput(options, file, 'An image sample');
      if (!options.decodeImage) throw new SampleFormatError(file, 'this host has no image decoder; expected .npy, .npz, .json or .wav samples.');
      const img = await options.decodeImage(bytes, file);
      return { [spec.name]: imageToInput(img, spec, options.dims ?? {}, options.image ?? {}, file) };
    }
  }
}

/** Samples read from a folder, in the order given (the host sorts paths), with the files that are not samples. */
export interface LoadedSamples {
  files: string[];
  samples: Feeds[];
  /** Files skipped because their type is not a sample type (reported so nothing vanishes silently). */
  ignored: string[];
}

/**
 * Loads every sample file of a folder: each image, WAV, .npy or JSON array is one sample of a
 * single-input model, each .npz (or JSON object) one sample with an array per input name.
 * Files of other types are listed in `ignored`. Yields between files; takes an AbortSignal.
 */
export async function loadSamples(sources: readonly SampleSource[], options: SampleOptions & LongCallOptions): Promise<LoadedSamples> {
  const { signal, onProgress } = options;
  const out: LoadedSamples = { files: [], samples: [], ignored: [] };
  const usable = sources.filter((s) => sampleKindOf(s.path) !== undefined);
  out.ignored = sources.filter((s) => sampleKindOf(s.path) === undefined).map((s) => s.path);
  for (const [index, source] of usable.entries()) {
    throwIfAborted(signal);
    onProgress?.({ kind: 'step', phase: 'samples', index, total: usable.length, item: source.path });
    out.samples.push(await loadSample(source, options));
    out.files.push(source.path);
    if (index % 8 === 7) await yieldToLoop();
  }
  return out;
}
