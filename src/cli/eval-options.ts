import type { ImageOptions } from '../core/evaluate/loaders/image-input';
import { IMAGE_PRESETS, type ImagePresetName } from '../core/evaluate/loaders/image-preprocess';
import { UsageError } from './cli-errors';

/** Flags that say how sample files (images, audio) become model inputs; `eval` and `compress --calibration` share them. */
export const PREPROCESS_OPTIONS = {
  preset: { type: 'string' },
  scale: { type: 'string' },
  mean: { type: 'string' },
  std: { type: 'string' },
  bgr: { type: 'boolean' },
  resize: { type: 'string' },
  'crop-fraction': { type: 'string' },
  layout: { type: 'string' },
  'sample-rate': { type: 'string' },
} as const;

/** Flags of `eval` that say which sample files to read and how they become inputs. */
export const SAMPLE_OPTIONS = {
  inputs: { type: 'string' },
  labels: { type: 'string' },
  classes: { type: 'string' },
  'label-output': { type: 'string' },
  'per-layer': { type: 'boolean' },
  ...PREPROCESS_OPTIONS,
  threshold: { type: 'string' },
} as const;

function choice<T extends string>(command: string, flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  const v = value.toLowerCase();
  const found = allowed.find((a) => a.toLowerCase() === v);
  if (!found) throw new UsageError(`--${flag} was '${value}'; expected one of ${allowed.join(', ')}.`, command);
  return found;
}

function triple(command: string, flag: string, value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 3 || parts.some((p) => !Number.isFinite(p)) || (flag === 'std' && parts.some((p) => p === 0))) {
    throw new UsageError(`--${flag} was '${value}'; expected three numbers R,G,B${flag === 'std' ? ' (non-zero)' : ''}, e.g. --${flag} 0.5,0.5,0.5.`, command);
  }
  return parts;
}

/** A number flag in (min, max]; undefined when absent. */
export function numberFlag(command: string, flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= min || n > max) throw new UsageError(`--${flag} was '${value}'; expected a number above ${min} and at most ${max}.`, command);
  return n;
}

/** The image preprocessing fields set on the command line. */
export function imageOptionsFromFlags(
  command: string,
  v: { preset?: string; scale?: string; mean?: string; std?: string; bgr?: boolean; resize?: string; 'crop-fraction'?: string; layout?: string },
): ImageOptions {
  const preset = choice(command, 'preset', v.preset, Object.keys(IMAGE_PRESETS) as ImagePresetName[]);
  const scale = choice(command, 'scale', v.scale, ['0..1', '0..255', '-1..1'] as const);
  const resize = choice(command, 'resize', v.resize, ['stretch', 'crop'] as const);
  const layout = choice(command, 'layout', v.layout, ['NCHW', 'NHWC'] as const);
  const mean = triple(command, 'mean', v.mean);
  const std = triple(command, 'std', v.std);
  const cropFraction = numberFlag(command, 'crop-fraction', v['crop-fraction'], 0, 1);
  return {
    ...(preset && { preset }),
    ...(scale && { scale }),
    ...(resize && { resize }),
    ...(layout && { layout }),
    ...(mean && { mean }),
    ...(std && { std }),
    ...(cropFraction !== undefined && { cropFraction }),
    ...(v.bgr && { order: 'BGR' as const }),
  };
}
