import type { OptionField } from '../../core/methods/types';
import type { ImageOptions } from '../../core/evaluate/loaders/image-input';
import { IMAGENET_PRESET } from '../../core/evaluate/loaders/image-preprocess';
import type { ClassMapping, SampleSettings } from '../services/types';
import type { OptionValue } from './recipe';
import { parseClassNames } from '../../core/evaluate/loaders/labels';
import { SampleFormatError } from '../../core/evaluate/loaders/sample-error';

/** The preprocessing a preset stands for: the fields it sets. */
interface PresetFields {
  resize: 'stretch' | 'crop';
  cropFraction: number;
  scale: '0..1' | '0..255' | '-1..1';
  mean: readonly number[];
  std: readonly number[];
}

const PLAIN = { resize: 'stretch', cropFraction: 1, mean: [0, 0, 0], std: [1, 1, 1] } as const;

/** Image presets: ImageNet's normalisation, PaddleOCR's (pixel / 255 - 0.5) / 0.5, and plain pixel ranges. */
export const IMAGE_PRESETS: Readonly<Record<string, PresetFields>> = {
  ImageNet: { resize: IMAGENET_PRESET.resize, cropFraction: IMAGENET_PRESET.cropFraction, scale: IMAGENET_PRESET.scale, mean: IMAGENET_PRESET.mean, std: IMAGENET_PRESET.std },
  'PaddleOCR (-1..1)': { ...PLAIN, scale: '-1..1' },
  '0..1': { ...PLAIN, scale: '0..1' },
  '0..255': { ...PLAIN, scale: '0..255' },
};
export const CUSTOM_PRESET = 'custom';
export const DEFAULT_PRESET = '0..1';

const num = (values: readonly number[]): string[] => values.map(String);

/**
 * The sample preprocessing form as data, in the shape the recipe form's method options use, so
 * the same generated controls render it. Keys match ImageOptions where they mean the same.
 */
export const SAMPLE_FIELDS: readonly OptionField[] = [
  { kind: 'enum', key: 'preset', label: 'Preset', help: 'Sets resize, scale, mean and std at once.', default: DEFAULT_PRESET, choices: [...Object.keys(IMAGE_PRESETS), CUSTOM_PRESET] },
  {
    kind: 'enum',
    key: 'resize',
    label: 'Resize',
    help: "stretch: the whole image to the model's H x W; crop: a centred region of the model's aspect ratio, then resized.",
    default: PLAIN.resize,
    choices: ['stretch', 'crop'],
  },
  { kind: 'number', key: 'cropFraction', label: 'Crop fraction', help: "Share of the largest centred crop kept (ImageNet's 224 of 256 is 0.875).", default: 1, min: 0.05, max: 1 },
  { kind: 'enum', key: 'scale', label: 'Pixel scale', help: 'Pixels 0..255 are mapped to this range before mean/std.', default: '0..1', choices: ['0..1', '0..255', '-1..1'] },
  { kind: 'string-list', key: 'mean', label: 'Mean (R, G, B)', help: 'Subtracted per channel after scaling.', default: num(PLAIN.mean) },
  { kind: 'string-list', key: 'std', label: 'Std (R, G, B)', help: 'Divided per channel after the mean.', default: num(PLAIN.std) },
  { kind: 'enum', key: 'order', label: 'Channel order', help: 'BGR for models trained on OpenCV-loaded images.', default: 'RGB', choices: ['RGB', 'BGR'] },
  { kind: 'enum', key: 'layout', label: 'Layout', help: "auto: read from the input's shape (the axis of size 1 or 3).", default: 'auto', choices: ['auto', 'NCHW', 'NHWC'] },
  { kind: 'number', key: 'sampleRate', label: 'Audio rate (Hz)', help: 'WAV samples are mixed to mono and resampled to this rate.', default: 16000, min: 1, max: 1_000_000, integer: true },
];

const PRESET_KEYS = ['resize', 'cropFraction', 'scale', 'mean', 'std'] as const;

export type SampleForm = Record<string, OptionValue>;

/** The form's values: every field at its declared default. */
export function defaultSampleForm(): SampleForm {
  return Object.fromEntries(SAMPLE_FIELDS.map((f) => [f.key, f.kind === 'string-list' ? [...f.default] : f.default]));
}

/**
 * One change to the form: a preset fills its fields; editing one of those fields by hand makes
 * the preset 'custom'.
 */
export function editSampleForm(form: SampleForm, key: string, value: OptionValue): SampleForm {
  if (key === 'preset') {
    const preset = IMAGE_PRESETS[String(value)];
    if (!preset) return { ...form, preset: CUSTOM_PRESET };
    return { ...form, preset: String(value), resize: preset.resize, cropFraction: preset.cropFraction, scale: preset.scale, mean: num(preset.mean), std: num(preset.std) };
  }
  const next = { ...form, [key]: value };
  if ((PRESET_KEYS as readonly string[]).includes(key)) next.preset = CUSTOM_PRESET;
  return next;
}

/** The form's settings are not usable; the message names the field and what it expects. */
export class SampleSettingsError extends Error {
  override name = 'SampleSettingsError';
}

function triple(form: SampleForm, key: 'mean' | 'std'): number[] {
  const raw = form[key];
  const items = Array.isArray(raw) ? raw : [];
  const values = items.map(Number);
  if (values.length !== 3 || values.some((v) => !Number.isFinite(v)) || (key === 'std' && values.some((v) => v === 0))) {
    const label = key === 'mean' ? 'Mean' : 'Std';
    throw new SampleSettingsError(`${label} is '${items.join(', ')}'; expected three numbers (R, G, B)${key === 'std' ? ', none zero' : ''}, e.g. 0.5, 0.5, 0.5.`);
  }
  return values;
}

/** The class list the user typed, by the core's parser (the CLI's --classes file goes through it too). */
function classNames(text: string): string[] {
  try {
    return parseClassNames(text, 'Class list');
  } catch (e) {
    if (e instanceof SampleFormatError) throw new SampleSettingsError(e.message);
    throw e;
  }
}

/** The form as the workers take it; throws SampleSettingsError for unusable fields. */
export function sampleSettings(form: SampleForm, classMode: ClassMapping['mode'], classText: string): SampleSettings {
  const layout = String(form.layout);
  const image: ImageOptions = {
    preset: 'none',
    resize: form.resize === 'crop' ? 'crop' : 'stretch',
    cropFraction: Number(form.cropFraction),
    scale: String(form.scale) as ImageOptions['scale'] & string,
    mean: triple(form, 'mean'),
    std: triple(form, 'std'),
    order: form.order === 'BGR' ? 'BGR' : 'RGB',
    ...(layout === 'NCHW' || layout === 'NHWC' ? { layout } : {}),
  };
  if (!(image.cropFraction! > 0 && image.cropFraction! <= 1)) throw new SampleSettingsError(`Crop fraction is ${form.cropFraction}; expected a number above 0 and at most 1.`);
  const rate = Number(form.sampleRate);
  if (!Number.isInteger(rate) || rate < 1) throw new SampleSettingsError(`Audio rate is ${form.sampleRate}; expected a whole number of Hz, e.g. 16000.`);
  let classes: ClassMapping = { mode: 'auto' };
  if (classMode === 'list') {
    classes = { mode: 'list', names: classNames(classText) };
  }
  return { image, sampleRate: rate, classes };
}
