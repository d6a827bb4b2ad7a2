import type { ImageOptions } from '../core/evaluate/loaders/image-input';
import { channelTriple, PREPROCESS_FIELDS, type PreprocessField } from '../core/evaluate/loaders/preprocess-fields';
import { UsageError } from './cli-errors';

type FlagConfig = { type: 'string' } | { type: 'boolean' };

/** Flags that say how sample files (images, audio) become model inputs, from the core's declaration; `eval` and `compress --calibration` share them. */
export const PREPROCESS_OPTIONS: Readonly<Record<string, FlagConfig>> = Object.fromEntries(
  PREPROCESS_FIELDS.map(({ flag }) => [flag.name, { type: flag.sets !== undefined ? 'boolean' : 'string' }]),
);

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

/** A number flag in (min, max]; undefined when absent. */
export function numberFlag(command: string, flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= min || n > max) throw new UsageError(`--${flag} was '${value}'; expected a number above ${min} and at most ${max}.`, command);
  return n;
}

/** The value one declared field takes from its flag, checked; undefined when the flag is absent. */
function fieldValue(command: string, { field, flag }: PreprocessField, raw: unknown): string | number | boolean | number[] | undefined {
  if (raw === undefined || raw === false) return undefined;
  if (flag.sets !== undefined) return flag.sets;
  const value = String(raw);
  switch (field.kind) {
    case 'enum': {
      const allowed = flag.choices ?? field.choices;
      const found = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
      if (found === undefined) throw new UsageError(`--${flag.name} was '${value}'; expected one of ${allowed.join(', ')}.`, command);
      return found;
    }
    case 'number': {
      const n = numberFlag(command, flag.name, value, flag.above ?? field.min ?? -Infinity, field.max ?? Infinity)!;
      return field.integer ? Math.round(n) : n;
    }
    case 'string-list': {
      const key = field.key === 'std' ? 'std' : 'mean';
      const values = channelTriple(value.split(','), key);
      if (!values) throw new UsageError(`--${flag.name} was '${value}'; expected three numbers R,G,B${key === 'std' ? ' (non-zero)' : ''}, e.g. --${flag.name} 0.5,0.5,0.5.`, command);
      return values;
    }
    case 'boolean':
      return true;
  }
}

/** How the samples become inputs, from the preprocessing flags set on the command line. */
export interface Preprocessing {
  image: ImageOptions;
  sampleRate?: number;
}

/** The preprocessing the flags ask for: only the fields that are set (the rest come from the preset, or the input's shape). */
export function preprocessingFromFlags(command: string, values: Readonly<Record<string, unknown>>): Preprocessing {
  const image: Record<string, unknown> = {};
  let sampleRate: number | undefined;
  for (const declared of PREPROCESS_FIELDS) {
    const v = fieldValue(command, declared, values[declared.flag.name]);
    if (v === undefined) continue;
    if (declared.field.key === 'sampleRate') sampleRate = v as number;
    else image[declared.field.key] = v;
  }
  return { image: image as ImageOptions, ...(sampleRate !== undefined && { sampleRate }) };
}

const FLAG_COLUMN = 23;
const WIDTH = 101;

/** The help lines of the preprocessing flags, wrapped under their flag. */
export function preprocessHelp(): string {
  return PREPROCESS_FIELDS.map(({ flag }) => {
    const head = `  --${flag.name}${flag.arg ? ` ${flag.arg}` : ''}`.padEnd(FLAG_COLUMN - 1);
    const lines: string[] = [];
    let line = `${head} `;
    for (const word of flag.help.split(' ')) {
      if (line.length + word.length > WIDTH && line.trim() !== head.trim()) {
        lines.push(line.trimEnd());
        line = ' '.repeat(FLAG_COLUMN);
      }
      line += `${word} `;
    }
    lines.push(line.trimEnd());
    return lines.join('\n');
  }).join('\n');
}
