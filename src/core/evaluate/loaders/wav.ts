import { SampleFormatError } from './sample-error';

/** Decoded PCM audio: one Float32Array per channel, values in [-1, 1]. */
export interface Audio {
  sampleRate: number;
  channels: Float32Array[];
}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;

function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
}

type Reader = (view: DataView, at: number) => number;

function sampleReader(format: number, bits: number, file: string): Reader {
  if (format === FORMAT_PCM) {
    if (bits === 8) return (v, at) => (v.getUint8(at) - 128) / 128;
    if (bits === 16) return (v, at) => v.getInt16(at, true) / 32768;
    if (bits === 24) return (v, at) => (((v.getUint8(at + 2) << 24) | (v.getUint8(at + 1) << 16) | (v.getUint8(at) << 8)) >> 8) / 8388608;
    if (bits === 32) return (v, at) => v.getInt32(at, true) / 2147483648;
  }
  if (format === FORMAT_FLOAT) {
    if (bits === 32) return (v, at) => v.getFloat32(at, true);
    if (bits === 64) return (v, at) => v.getFloat64(at, true);
  }
  const kind = format === FORMAT_PCM ? 'PCM' : format === FORMAT_FLOAT ? 'float' : `format tag ${format}`;
  throw new SampleFormatError(file, `the WAV holds ${bits}-bit ${kind} samples; expected PCM 8/16/24/32-bit or float 32/64-bit.`);
}

/**
 * Parses a RIFF/WAVE file: PCM (8, 16, 24, 32-bit) or IEEE float (32, 64-bit), plain or
 * WAVE_FORMAT_EXTENSIBLE, any channel count. Throws SampleFormatError naming `file` for other
 * formats and damaged files.
 */
export function parseWav(bytes: Uint8Array, file: string): Audio {
  if (bytes.length < 12 || fourcc(bytes, 0) !== 'RIFF' || fourcc(bytes, 8) !== 'WAVE') {
    throw new SampleFormatError(file, 'not a WAV file: expected a RIFF header with form type WAVE.');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fmt: { format: number; channels: number; sampleRate: number; blockAlign: number; bits: number } | undefined;
  let data: { start: number; length: number } | undefined;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = fourcc(bytes, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + size > bytes.length) throw new SampleFormatError(file, `the WAV fmt chunk is ${size} bytes; expected at least 16.`);
      let format = view.getUint16(body, true);
      if (format === FORMAT_EXTENSIBLE && size >= 40) format = view.getUint16(body + 24, true);
      fmt = {
        format,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        blockAlign: view.getUint16(body + 12, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      // A streamed WAV may leave the size at 0 or 0xFFFFFFFF: take the rest of the file then.
      const length = size === 0 || size === 0xffffffff ? bytes.length - body : Math.min(size, bytes.length - body);
      data = { start: body, length };
      if (fmt) break;
    }
    at = body + size + (size & 1);
  }
  if (!fmt) throw new SampleFormatError(file, 'the WAV has no fmt chunk; expected one before the data.');
  if (!data) throw new SampleFormatError(file, 'the WAV has no data chunk.');
  const { format, channels, sampleRate, bits } = fmt;
  if (channels < 1) throw new SampleFormatError(file, 'the WAV declares 0 channels; expected at least 1.');
  if (sampleRate < 1) throw new SampleFormatError(file, 'the WAV declares a sample rate of 0 Hz.');
  const read = sampleReader(format, bits, file);
  const bytesPerSample = bits / 8;
  const blockAlign = fmt.blockAlign || bytesPerSample * channels;
  if (blockAlign < bytesPerSample * channels) {
    throw new SampleFormatError(file, `the WAV block align is ${blockAlign} bytes; expected at least ${bytesPerSample * channels} for ${channels} x ${bits}-bit.`);
  }
  const frames = Math.floor(data.length / blockAlign);
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  for (let f = 0; f < frames; f++) {
    const base = data.start + f * blockAlign;
    for (let c = 0; c < channels; c++) out[c]![f] = read(view, base + c * bytesPerSample);
  }
  return { sampleRate, channels: out };
}

/** The average of all channels. */
export function mixToMono(audio: Audio): Float32Array {
  const [first, ...rest] = audio.channels;
  if (!first) return new Float32Array(0);
  if (rest.length === 0) return first;
  const out = new Float32Array(first.length);
  for (const ch of audio.channels) for (let i = 0; i < out.length; i++) out[i]! += ch[i]!;
  const k = 1 / audio.channels.length;
  for (let i = 0; i < out.length; i++) out[i]! *= k;
  return out;
}

/** Half-width of the windowed-sinc kernel, in input samples at the cutoff. */
const SINC_ZEROS = 16;

/**
 * Band-limited resampling with a Hann-windowed sinc whose cutoff is the lower of the two
 * Nyquist rates (so downsampling does not alias). Output length is round(n * to / from).
 */
export function resample(samples: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (!(fromRate > 0) || !(toRate > 0)) throw new RangeError(`Sample rates must be positive; got ${fromRate} -> ${toRate}.`);
  if (fromRate === toRate) return samples;
  const n = samples.length;
  const outLength = Math.round((n * toRate) / fromRate);
  const out = new Float32Array(outLength);
  const step = fromRate / toRate;
  const cutoff = Math.min(1, toRate / fromRate);
  const half = Math.ceil(SINC_ZEROS / cutoff);
  for (let j = 0; j < outLength; j++) {
    const centre = j * step;
    const lo = Math.max(0, Math.ceil(centre - half));
    const hi = Math.min(n - 1, Math.floor(centre + half));
    let acc = 0;
    let weights = 0;
    for (let i = lo; i <= hi; i++) {
      const x = (i - centre) * cutoff;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const window = 0.5 + 0.5 * Math.cos((Math.PI * (i - centre)) / (half + 1));
      const w = sinc * window;
      acc += samples[i]! * w;
      weights += w;
    }
    out[j] = weights !== 0 ? acc / weights : 0;
  }
  return out;
}

/** A WAV file as the mono signal at `sampleRate` (mixing channels, resampling when the rates differ). */
export function loadWavMono(bytes: Uint8Array, file: string, sampleRate?: number): { sampleRate: number; samples: Float32Array } {
  const audio = parseWav(bytes, file);
  const mono = mixToMono(audio);
  if (sampleRate === undefined || sampleRate === audio.sampleRate) return { sampleRate: audio.sampleRate, samples: mono };
  return { sampleRate, samples: resample(mono, audio.sampleRate, sampleRate) };
}
