import { describe, expect, it } from 'vitest';
import { loadWavMono, parseWav, resample } from '../../../../src/core/evaluate/loaders/wav';
import { wavBytes } from '../../../fixtures/samples';

const sine = (n: number, freq: number, rate: number, amp = 0.5): number[] => Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * freq * i) / rate));

describe('parseWav', () => {
  it('reads PCM16 within one step of 16-bit quantisation, and float32 exactly', () => {
    const values = [0, 0.5, -0.5, 0.999, -1];
    const pcm = parseWav(wavBytes({ format: 'pcm16', sampleRate: 8000, channels: [values] }), 'a.wav');
    expect(pcm.sampleRate).toBe(8000);
    pcm.channels[0]!.forEach((v, i) => expect(Math.abs(v - values[i]!)).toBeLessThanOrEqual(1 / 32768));
    const f = parseWav(wavBytes({ format: 'float32', sampleRate: 16000, channels: [[0.125, -0.25]], extensible: true, leadingChunk: true }), 'b.wav');
    expect(Array.from(f.channels[0]!)).toEqual([0.125, -0.25]);
    const p24 = parseWav(wavBytes({ format: 'pcm24', sampleRate: 8000, channels: [[-0.75, 0.25]] }), 'c.wav');
    expect(p24.channels[0]![0]).toBeCloseTo(-0.75, 6);
    const p8 = parseWav(wavBytes({ format: 'pcm8', sampleRate: 8000, channels: [[0.5, -0.5]] }), 'd.wav');
    expect(Array.from(p8.channels[0]!)).toEqual([0.5, -0.5]);
  });

  it('mixes channels to mono by averaging', () => {
    const { samples, sampleRate } = loadWavMono(wavBytes({ format: 'float32', sampleRate: 8000, channels: [[1, 0.5], [0, -0.5]] }), 's.wav');
    expect(sampleRate).toBe(8000);
    expect(Array.from(samples)).toEqual([0.5, 0]);
  });

  it.each([
    [new TextEncoder().encode('RIFF\u0000\u0000\u0000\u0000AVI LIST'), /x.wav: not a WAV file/],
    [wavBytes({ format: 'pcm16', sampleRate: 8000, channels: [[0]] }).subarray(0, 20), /x.wav: the WAV fmt chunk is 16 bytes|no fmt chunk/],
    [(() => {
      const b = wavBytes({ format: 'pcm16', sampleRate: 8000, channels: [[0]] });
      new DataView(b.buffer).setUint16(20, 2, true); // ADPCM
      return b;
    })(), /x.wav: the WAV holds 16-bit format tag 2 samples; expected PCM/],
    [(() => {
      const b = wavBytes({ format: 'pcm16', sampleRate: 8000, channels: [[0]] });
      b.set(new TextEncoder().encode('junk'), 36);
      return b;
    })(), /x.wav: the WAV has no data chunk/],
  ])('gives a typed error naming the file (%#)', (bytes, message) => {
    expect(() => parseWav(bytes, 'x.wav')).toThrow(message);
  });
});

describe('resample', () => {
  it('keeps a tone below both Nyquist rates and gives round(n * to / from) samples', () => {
    const input = Float32Array.from(sine(4800, 440, 48000));
    const out = resample(input, 48000, 16000);
    expect(out.length).toBe(1600);
    const expected = sine(1600, 440, 16000);
    // away from the edges the band-limited result matches the tone sampled at 16 kHz
    for (let i = 100; i < 1500; i++) expect(Math.abs(out[i]! - expected[i]!)).toBeLessThan(0.01);
    const up = resample(Float32Array.from(sine(800, 300, 8000)), 8000, 16000);
    expect(up.length).toBe(1600);
    const upExpected = sine(1600, 300, 16000);
    for (let i = 100; i < 1500; i++) expect(Math.abs(up[i]! - upExpected[i]!)).toBeLessThan(0.01);
  });

  it('removes a tone above the new Nyquist rate instead of aliasing it', () => {
    const out = resample(Float32Array.from(sine(4800, 12000, 48000)), 48000, 16000);
    const rms = Math.sqrt(out.slice(100, 1500).reduce((s, v) => s + v * v, 0) / 1400);
    expect(rms).toBeLessThan(0.01); // an aliased 12 kHz tone would come back at 4 kHz with rms 0.35
  });

  it('resamples through loadWavMono to the requested rate', () => {
    const { samples, sampleRate } = loadWavMono(wavBytes({ format: 'pcm16', sampleRate: 22050, channels: [sine(2205, 200, 22050)] }), 'r.wav', 16000);
    expect(sampleRate).toBe(16000);
    expect(samples.length).toBe(1600);
  });
});
