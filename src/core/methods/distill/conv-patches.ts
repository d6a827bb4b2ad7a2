import { attrInt, attrInts, attrString } from '../../graph/attrs';
import type { NodeProto } from '../../onnx/schema';

/** A 2-D Conv's window: kernel, strides, dilations, pads (begin/end per spatial axis) and groups. */
export interface ConvGeometry {
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  /** Explicit pads [top, left, bottom, right]; undefined for auto_pad SAME_*, resolved per input size. */
  pads: [number, number, number, number] | undefined;
  autoPad: 'NOTSET' | 'VALID' | 'SAME_UPPER' | 'SAME_LOWER';
  groups: number;
}

/** The geometry of a Conv with a 4-D weight [M, C/groups, kh, kw], or why it is not one this fit handles. */
export function convGeometry(node: NodeProto, weightDims: readonly number[]): ConvGeometry | string {
  if (weightDims.length !== 4) return `a ${weightDims.length - 2}-D Conv (only 2-D ones are refitted)`;
  const kernel = attrInts(node, 'kernel_shape') ?? weightDims.slice(2);
  if (kernel.length !== 2 || kernel[0] !== weightDims[2] || kernel[1] !== weightDims[3]) return 'its kernel_shape does not match its weight';
  const strides = attrInts(node, 'strides') ?? [1, 1];
  const dilations = attrInts(node, 'dilations') ?? [1, 1];
  const autoPad = (attrString(node, 'auto_pad') ?? 'NOTSET') as ConvGeometry['autoPad'];
  if (!['NOTSET', 'VALID', 'SAME_UPPER', 'SAME_LOWER'].includes(autoPad)) return `auto_pad '${autoPad}'`;
  const pads = autoPad === 'VALID' ? [0, 0, 0, 0] : autoPad === 'NOTSET' ? (attrInts(node, 'pads') ?? [0, 0, 0, 0]) : undefined;
  if (strides.length !== 2 || dilations.length !== 2 || (pads && pads.length !== 4)) return 'its strides, dilations or pads are not 2-D';
  return {
    kernel: kernel as [number, number],
    strides: strides as [number, number],
    dilations: dilations as [number, number],
    pads: pads as ConvGeometry['pads'],
    autoPad,
    groups: attrInt(node, 'group') ?? 1,
  };
}

/** Output size and begin pad of one spatial axis. */
function axisPlan(size: number, kernel: number, stride: number, dilation: number, pads: readonly [number, number] | undefined, lower: boolean): { out: number; begin: number } {
  const span = (kernel - 1) * dilation + 1;
  if (pads) return { out: Math.floor((size + pads[0] + pads[1] - span) / stride) + 1, begin: pads[0] };
  const out = Math.ceil(size / stride);
  const total = Math.max(0, (out - 1) * stride + span - size);
  return { out, begin: lower ? Math.ceil(total / 2) : Math.floor(total / 2) };
}

/** Where the windows of an [N, C, H, W] input fall: output size and begin pads. */
export interface ConvPlacement {
  batch: number;
  channels: number;
  height: number;
  width: number;
  outHeight: number;
  outWidth: number;
  top: number;
  left: number;
}

export function convPlacement(g: ConvGeometry, inputDims: readonly number[]): ConvPlacement | string {
  if (inputDims.length !== 4) return `its input has ${inputDims.length} dimensions, expected 4 (NCHW)`;
  const [batch, channels, height, width] = inputDims as [number, number, number, number];
  const lower = g.autoPad === 'SAME_LOWER';
  const y = axisPlan(height, g.kernel[0], g.strides[0], g.dilations[0], g.pads && [g.pads[0], g.pads[2]], lower);
  const x = axisPlan(width, g.kernel[1], g.strides[1], g.dilations[1], g.pads && [g.pads[1], g.pads[3]], lower);
  if (y.out < 1 || x.out < 1) return 'its window is larger than its padded input';
  return { batch, channels, height, width, outHeight: y.out, outWidth: x.out, top: y.begin, left: x.begin };
}

/**
 * The im2col rows of one group of a Conv input: one row per output pixel (batch-major), each the
 * group's C/groups input channels times the kh x kw window (zeros where it hangs over the pads),
 * in the order of the weight's [C/groups, kh, kw] axes.
 */
export function convPatchRows(x: ArrayLike<number>, p: ConvPlacement, g: ConvGeometry, group: number): Float32Array {
  const cg = p.channels / g.groups;
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.strides;
  const [dh, dw] = g.dilations;
  const width = cg * kh * kw;
  const pixels = p.outHeight * p.outWidth;
  const rows = new Float32Array(p.batch * pixels * width);
  const plane = p.height * p.width;
  let at = 0;
  for (let b = 0; b < p.batch; b++) {
    for (let oy = 0; oy < p.outHeight; oy++) {
      for (let ox = 0; ox < p.outWidth; ox++) {
        for (let ci = 0; ci < cg; ci++) {
          const base = (b * p.channels + group * cg + ci) * plane;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh - p.top + ky * dh;
            const inside = iy >= 0 && iy < p.height;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * sw - p.left + kx * dw;
              rows[at++] = inside && ix >= 0 && ix < p.width ? x[base + iy * p.width + ix]! : 0;
            }
          }
        }
      }
    }
  }
  return rows;
}

/**
 * Rows of chosen channels of an [N, C, ...spatial] tensor: one row per position (batch-major, as
 * convPatchRows orders them), the values of `channels` (indices into C) in that order.
 */
export function channelRows(y: ArrayLike<number>, dims: readonly number[], channels: readonly number[]): Float32Array {
  const [batch, total] = dims as [number, number];
  const plane = dims.slice(2).reduce((a, b) => a * b, 1);
  const n = channels.length;
  const out = new Float32Array(batch * plane * n);
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < n; j++) {
      const src = (b * total + channels[j]!) * plane;
      for (let s = 0; s < plane; s++) out[(b * plane + s) * n + j] = y[src + s]!;
    }
  }
  return out;
}

/** Rows of chosen features of a [..., F] tensor: each row's values at `features`, in that order. */
export function featureRows(y: ArrayLike<number>, features: number, chosen: readonly number[]): Float32Array {
  const rows = y.length / features;
  const n = chosen.length;
  const out = new Float32Array(rows * n);
  for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) out[r * n + j] = y[r * features + chosen[j]!]!;
  return out;
}
