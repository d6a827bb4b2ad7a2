import type { TensorData } from '../tensor-data';
import { SampleFormatError } from './sample-error';

/** Decoded pixels, 4 bytes (RGBA) per pixel, rows top to bottom: what a host's image decoder hands the core. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

export type ImageLayout = 'NCHW' | 'NHWC';
export type PixelScale = '0..1' | '0..255' | '-1..1';

/** How pixels become an input tensor. */
export interface ImagePreprocess {
  /** Target size in pixels. */
  width: number;
  height: number;
  layout: ImageLayout;
  /** 3 for colour, 1 for grey (ITU-R BT.601 luma). */
  channels: 1 | 3;
  /** Channel order of a colour input. */
  order: 'RGB' | 'BGR';
  /**
   * 'stretch' resizes the whole image to width x height; 'crop' takes the centred region with the
   * target's aspect ratio, `cropFraction` of the largest such region, and resizes it (ImageNet's
   * resize-256-then-crop-224 is cropFraction 0.875).
   */
  resize: 'stretch' | 'crop';
  cropFraction: number;
  /** Pixel values 0..255 mapped to this range before mean/std. */
  scale: PixelScale;
  /** Per channel, in RGB order (moved with the channels for BGR); applied as (v - mean) / std after scaling. */
  mean: readonly number[];
  std: readonly number[];
}

/** torchvision's ImageNet normalisation on 0..1 pixels, with the usual 0.875 centre crop. */
export const IMAGENET_PRESET = {
  scale: '0..1',
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
  resize: 'crop',
  cropFraction: 0.875,
} as const satisfies Partial<ImagePreprocess>;

/** No normalisation: 0..1 pixels, plain stretch. */
export const PLAIN_PRESET = {
  scale: '0..1',
  mean: [0, 0, 0],
  std: [1, 1, 1],
  resize: 'stretch',
  cropFraction: 1,
} as const satisfies Partial<ImagePreprocess>;

/**
 * The one preset table: the key is the CLI's --preset name and ImageOptions.preset, `label` the
 * studio's name for it. PaddleOCR feeds (pixel / 255 - 0.5) / 0.5, i.e. pixels scaled to -1..1.
 */
export const IMAGE_PRESETS = {
  imagenet: { label: 'ImageNet', ...IMAGENET_PRESET },
  paddleocr: { label: 'PaddleOCR (-1..1)', ...PLAIN_PRESET, scale: '-1..1' },
  none: { label: '0..1', ...PLAIN_PRESET },
  '0..255': { label: '0..255', ...PLAIN_PRESET, scale: '0..255' },
} as const;
export type ImagePresetName = keyof typeof IMAGE_PRESETS;

/** The fields a preset sets. */
export const PRESET_KEYS = ['resize', 'cropFraction', 'scale', 'mean', 'std'] as const;

/** Where the pixels of one axis come from: for each output index, the first source index and its weights. */
interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Float32Array;
  width: number;
}

/**
 * Resampling weights from the source interval [from, from + span) onto `out` pixels: a triangle
 * (bilinear) filter, widened by the scale when shrinking so every source pixel contributes
 * (antialiasing). Indices past the image edges are clamped by the caller (edge pixels repeat).
 */
function taps(from: number, span: number, out: number): Taps {
  const scale = span / out;
  const support = Math.max(1, scale);
  const width = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(out);
  const count = new Int32Array(out);
  const weights = new Float32Array(out * width);
  for (let o = 0; o < out; o++) {
    const centre = from + (o + 0.5) * scale - 0.5;
    const lo = Math.ceil(centre - support);
    const hi = Math.floor(centre + support);
    let sum = 0;
    let k = 0;
    for (let i = lo; i <= hi && k < width; i++, k++) {
      const w = Math.max(0, 1 - Math.abs(i - centre) / support);
      weights[o * width + k] = w;
      sum += w;
    }
    start[o] = lo;
    count[o] = k;
    for (let j = 0; j < k; j++) weights[o * width + j]! /= sum || 1;
  }
  return { start, count, weights, width };
}

function clampIndex(i: number, size: number): number {
  return i < 0 ? 0 : i >= size ? size - 1 : i;
}

/** The source region (in pixels, fractional) that maps onto the output. */
function sourceRegion(img: RgbaImage, p: ImagePreprocess): { x: number; y: number; w: number; h: number } {
  if (p.resize === 'stretch') return { x: 0, y: 0, w: img.width, h: img.height };
  const fit = Math.min(img.width / p.width, img.height / p.height);
  const w = p.width * fit * p.cropFraction;
  const h = p.height * fit * p.cropFraction;
  return { x: (img.width - w) / 2, y: (img.height - h) / 2, w, h };
}

function checkOptions(p: ImagePreprocess, file: string): void {
  if (!Number.isInteger(p.width) || !Number.isInteger(p.height) || p.width < 1 || p.height < 1) {
    throw new SampleFormatError(file, `the target size ${p.width}x${p.height} is not usable; expected positive integers.`);
  }
  if (!(p.cropFraction > 0 && p.cropFraction <= 1)) throw new RangeError(`cropFraction ${p.cropFraction} must be in (0, 1].`);
  if (p.mean.length !== 3 || p.std.length !== 3) throw new RangeError(`mean and std need 3 values (RGB); got ${p.mean.length} and ${p.std.length}.`);
  if (p.std.some((s) => s === 0 || !Number.isFinite(s))) throw new RangeError(`std values must be finite and non-zero; got [${p.std.join(', ')}].`);
}

const SCALES: Record<PixelScale, { mul: number; add: number }> = {
  '0..1': { mul: 1 / 255, add: 0 },
  '0..255': { mul: 1, add: 0 },
  '-1..1': { mul: 2 / 255, add: -1 },
};

/**
 * Turns decoded RGBA pixels into a float32 input tensor of shape [1, C, H, W] or [1, H, W, C]:
 * resize (stretch or centre crop, antialiased bilinear), drop alpha, optional grey, RGB/BGR,
 * scale, then (v - mean) / std per channel.
 */
export function preprocessImage(img: RgbaImage, p: ImagePreprocess, file = 'image'): TensorData {
  checkOptions(p, file);
  if (img.width < 1 || img.height < 1 || img.data.length < img.width * img.height * 4) {
    throw new SampleFormatError(file, `the decoded image is ${img.width}x${img.height} with ${img.data.length} bytes; expected RGBA pixels (4 bytes each).`);
  }
  const region = sourceRegion(img, p);
  const tx = taps(region.x, region.w, p.width);
  const ty = taps(region.y, region.h, p.height);
  // Horizontal pass: source rows x target columns, 3 channels interleaved.
  const rows = new Float32Array(img.height * p.width * 3);
  for (let y = 0; y < img.height; y++) {
    const rowBase = y * img.width * 4;
    for (let o = 0; o < p.width; o++) {
      let r = 0;
      let g = 0;
      let b = 0;
      const s = tx.start[o]!;
      for (let k = 0; k < tx.count[o]!; k++) {
        const w = tx.weights[o * tx.width + k]!;
        const at = rowBase + clampIndex(s + k, img.width) * 4;
        r += img.data[at]! * w;
        g += img.data[at + 1]! * w;
        b += img.data[at + 2]! * w;
      }
      const out = (y * p.width + o) * 3;
      rows[out] = r;
      rows[out + 1] = g;
      rows[out + 2] = b;
    }
  }
  const { mul, add } = SCALES[p.scale];
  const rgbIndex = p.order === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  const C = p.channels;
  const H = p.height;
  const W = p.width;
  const out = new Float32Array(C * H * W);
  const write = (y: number, x: number, c: number, v: number): void => {
    out[p.layout === 'NCHW' ? (c * H + y) * W + x : (y * W + x) * C + c] = v;
  };
  for (let y = 0; y < H; y++) {
    const s = ty.start[y]!;
    for (let x = 0; x < W; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < ty.count[y]!; k++) {
        const w = ty.weights[y * ty.width + k]!;
        const at = (clampIndex(s + k, img.height) * W + x) * 3;
        r += rows[at]! * w;
        g += rows[at + 1]! * w;
        b += rows[at + 2]! * w;
      }
      const px = [r, g, b] as const;
      if (C === 1) {
        const luma = 0.299 * r + 0.587 * g + 0.114 * b;
        const meanGrey = (p.mean[0]! + p.mean[1]! + p.mean[2]!) / 3;
        const stdGrey = (p.std[0]! + p.std[1]! + p.std[2]!) / 3;
        write(y, x, 0, (luma * mul + add - meanGrey) / stdGrey);
      } else {
        for (let c = 0; c < 3; c++) {
          const src = rgbIndex[c]!;
          write(y, x, c, (px[src as 0 | 1 | 2] * mul + add - p.mean[src]!) / p.std[src]!);
        }
      }
    }
  }
  return { dtype: 'float32', dims: p.layout === 'NCHW' ? [1, C, H, W] : [1, H, W, C], data: out };
}
