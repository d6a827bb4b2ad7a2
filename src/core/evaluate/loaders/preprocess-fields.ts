import type { OptionField } from '../../methods/types';
import { IMAGE_PRESETS, PLAIN_PRESET, type ImagePresetName } from './image-preprocess';

/** How a preprocessing field is spelt on the command line. */
export interface PreprocessFlag {
  /** The flag without its dashes, e.g. 'crop-fraction'. */
  name: string;
  /** What it takes, for the help text ('<f>'); absent for a switch. */
  arg?: string;
  help: string;
  /** A switch standing for one choice of the field (--bgr sets order BGR). */
  sets?: string;
  /** The choices the flag takes where they differ from the form's (preset names; layout without auto). */
  choices?: readonly string[];
  /** A number flag's exclusive lower bound, where it differs from the field's minimum. */
  above?: number;
}

/** One preprocessing setting: the studio's form field and the CLI's flag, declared together. */
export interface PreprocessField {
  field: OptionField;
  flag: PreprocessFlag;
}

/** The form's name for "no preset: the fields as edited". */
export const CUSTOM_PRESET = 'custom';
/** The preset both hosts start from: 0..1 pixels, stretched, no normalisation. */
export const DEFAULT_PRESET: ImagePresetName = 'none';
/** Rate the studio resamples WAV samples to unless told otherwise (the CLI asks for --sample-rate). */
export const DEFAULT_SAMPLE_RATE = 16000;

const PRESET_NAMES = Object.keys(IMAGE_PRESETS) as ImagePresetName[];
const presetSummary = PRESET_NAMES.map((name) => {
  const p = IMAGE_PRESETS[name];
  const norm = p.mean.some((m) => m !== 0) ? `, mean ${p.mean.join(',')}, std ${p.std.join(',')}` : '';
  return `${name} (${p.scale}${norm}, ${p.resize === 'crop' ? `centre crop ${p.cropFraction}` : 'stretch'}${name === DEFAULT_PRESET ? '; default' : ''})`;
}).join(', ');

/**
 * How sample images and audio become model inputs, declared once: the studio's preprocessing
 * form renders `field`s with the recipe form's controls, and the CLI's flags, their parsing and
 * their help text come from `flag`s. Keys match ImageOptions where they mean the same.
 */
export const PREPROCESS_FIELDS: readonly PreprocessField[] = [
  {
    field: { kind: 'enum', key: 'preset', label: 'Preset', help: 'Sets resize, scale, mean and std at once.', default: IMAGE_PRESETS[DEFAULT_PRESET].label, choices: [...PRESET_NAMES.map((n) => IMAGE_PRESETS[n].label), CUSTOM_PRESET] },
    flag: { name: 'preset', arg: '<name>', help: `image preprocessing: ${presetSummary}`, choices: PRESET_NAMES },
  },
  {
    field: {
      kind: 'enum',
      key: 'resize',
      label: 'Resize',
      help: "stretch: the whole image to the model's H x W; crop: a centred region of the model's aspect ratio, then resized.",
      default: PLAIN_PRESET.resize,
      choices: ['stretch', 'crop'],
    },
    flag: { name: 'resize', arg: '<mode>', help: "stretch, or crop (centre crop with the input's aspect ratio)" },
  },
  {
    field: { kind: 'number', key: 'cropFraction', label: 'Crop fraction', help: "Share of the largest centred crop kept (ImageNet's 224 of 256 is 0.875).", default: PLAIN_PRESET.cropFraction, min: 0.05, max: 1 },
    flag: { name: 'crop-fraction', arg: '<f>', help: 'share of the largest centred crop to keep, in (0, 1]', above: 0 },
  },
  {
    field: { kind: 'enum', key: 'scale', label: 'Pixel scale', help: 'Pixels 0..255 are mapped to this range before mean/std.', default: PLAIN_PRESET.scale, choices: ['0..1', '0..255', '-1..1'] },
    flag: { name: 'scale', arg: '<range>', help: 'pixel range 0..1, 0..255 or -1..1' },
  },
  {
    field: { kind: 'string-list', key: 'mean', label: 'Mean (R, G, B)', help: 'Subtracted per channel after scaling.', default: PLAIN_PRESET.mean.map(String) },
    flag: { name: 'mean', arg: '<r,g,b>', help: 'subtracted after scaling (RGB order)' },
  },
  {
    field: { kind: 'string-list', key: 'std', label: 'Std (R, G, B)', help: 'Divided per channel after the mean.', default: PLAIN_PRESET.std.map(String) },
    flag: { name: 'std', arg: '<r,g,b>', help: 'divided after subtracting the mean (RGB order)' },
  },
  {
    field: { kind: 'enum', key: 'order', label: 'Channel order', help: 'BGR for models trained on OpenCV-loaded images.', default: 'RGB', choices: ['RGB', 'BGR'] },
    flag: { name: 'bgr', help: 'feed channels as BGR', sets: 'BGR' },
  },
  {
    field: { kind: 'enum', key: 'layout', label: 'Layout', help: "auto: read from the input's shape (the axis of size 1 or 3).", default: 'auto', choices: ['auto', 'NCHW', 'NHWC'] },
    flag: { name: 'layout', arg: '<layout>', help: 'NCHW or NHWC (default: read from the input shape)', choices: ['NCHW', 'NHWC'] },
  },
  {
    field: { kind: 'number', key: 'sampleRate', label: 'Audio rate (Hz)', help: 'WAV samples are mixed to mono and resampled to this rate.', default: DEFAULT_SAMPLE_RATE, min: 1, max: 1_000_000, integer: true },
    flag: { name: 'sample-rate', arg: '<hz>', help: 'rate WAV samples are resampled to (required for .wav)', above: 0 },
  },
];

/** Three per-channel numbers for `mean` or `std` (a std of zero would divide by it); undefined when `items` are not that. */
export function channelTriple(items: readonly string[], key: 'mean' | 'std'): number[] | undefined {
  const values = items.map(Number);
  if (values.length !== 3 || values.some((v) => !Number.isFinite(v)) || (key === 'std' && values.some((v) => v === 0))) return undefined;
  return values;
}
