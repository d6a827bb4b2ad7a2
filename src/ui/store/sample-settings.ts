import type { OptionField } from '../../core/methods/types';
import type { ImageOptions } from '../../core/evaluate/loaders/image-input';
import { IMAGE_PRESETS, PRESET_KEYS } from '../../core/evaluate/loaders/image-preprocess';
import { channelTriple, CUSTOM_PRESET, PREPROCESS_FIELDS } from '../../core/evaluate/loaders/preprocess-fields';
import type { ClassMapping, SampleSettings } from '../services/types';
import type { OptionValue } from './recipe';
import { parseClassNames } from '../../core/evaluate/loaders/labels';
import { SampleFormatError } from '../../core/evaluate/loaders/sample-error';

const num = (values: readonly number[]): string[] => values.map(String);

/** The sample preprocessing form as data, from the core's declaration (the CLI's flags come from it too). */
export const SAMPLE_FIELDS: readonly OptionField[] = PREPROCESS_FIELDS.map((f) => f.field);

/** Presets by the form's label for them. */
const PRESETS_BY_LABEL = new Map(Object.values(IMAGE_PRESETS).map((p) => [p.label as string, p]));

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
    const preset = PRESETS_BY_LABEL.get(String(value));
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
  const values = channelTriple(items, key);
  if (!values) {
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
