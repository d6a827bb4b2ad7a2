import { RecipeError } from '../util/errors';
import { compileNodePattern, splitOutsideRegex } from '../graph/node-patterns';
import type { OptionField } from './types';

/** Option values typed by their declarations; shared by the CLI grammar, JSON recipes and the UI. */
export type OptionValue = number | boolean | string | string[];

export function defaultOptions(fields: readonly OptionField[]): Record<string, OptionValue> {
  const out: Record<string, OptionValue> = {};
  for (const f of fields) out[f.key] = f.kind === 'string-list' ? [...f.default] : f.default;
  return out;
}

function describeExpected(f: OptionField): string {
  switch (f.kind) {
    case 'number': {
      const kind = f.integer ? 'an integer' : 'a number';
      const lo = f.min !== undefined ? ` >= ${f.min}` : '';
      const hi = f.max !== undefined ? `${lo ? ' and' : ''} <= ${f.max}` : '';
      return `${kind}${lo}${hi}`;
    }
    case 'boolean':
      return 'true or false';
    case 'enum':
      return `one of ${f.choices.join(', ')}`;
    case 'string-list':
      if (f.choices) return `a list of ${f.choices.join(', ')}`;
      return f.patterns ? 'a list of node names, globs or /regexes/' : 'a list of names';
  }
}

function fail(where: string, f: OptionField, found: string): never {
  throw new RecipeError(`${where}: option '${f.key}' expects ${describeExpected(f)}; found ${found}.`);
}

function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  return typeof v === 'object' && v !== null ? 'an object' : String(v);
}

function checkNumber(where: string, f: Extract<OptionField, { kind: 'number' }>, v: number, found: string): number {
  if (!Number.isFinite(v)) fail(where, f, found);
  if (f.integer && !Number.isInteger(v)) fail(where, f, found);
  if (f.min !== undefined && v < f.min) fail(where, f, found);
  if (f.max !== undefined && v > f.max) fail(where, f, found);
  return v;
}

function checkList(where: string, f: Extract<OptionField, { kind: 'string-list' }>, items: string[], found: string): string[] {
  if (f.choices) {
    const bad = items.find((s) => !f.choices!.includes(s));
    if (bad !== undefined) fail(where, f, `${found} ('${bad}' is not allowed)`);
  }
  if (f.patterns) for (const p of items) compileNodePattern(p, `${where}: option '${f.key}'`);
  return items;
}

/** Parses a CLI `key=value` value by its field: numbers, true/false, enum choices, lists joined by `|` (not inside a /regex/). */
export function parseOptionText(where: string, f: OptionField, text: string): OptionValue {
  const found = `'${text}'`;
  switch (f.kind) {
    case 'number': {
      if (text.trim() === '') fail(where, f, 'an empty value');
      return checkNumber(where, f, Number(text), found);
    }
    case 'boolean':
      if (text === 'true') return true;
      if (text === 'false') return false;
      return fail(where, f, found);
    case 'enum':
      if (!f.choices.includes(text)) fail(where, f, found);
      return text;
    case 'string-list':
      // A /regex/ item may hold '|' itself.
      return checkList(where, f, text === '' ? [] : splitOutsideRegex(text, '|'), found);
  }
}

/** Validates a JSON option value by its field (no coercion from strings: JSON carries types). */
export function checkOptionValue(where: string, f: OptionField, v: unknown): OptionValue {
  const found = show(v);
  switch (f.kind) {
    case 'number':
      if (typeof v !== 'number') fail(where, f, found);
      return checkNumber(where, f, v, found);
    case 'boolean':
      if (typeof v !== 'boolean') fail(where, f, found);
      return v;
    case 'enum':
      if (typeof v !== 'string' || !f.choices.includes(v)) fail(where, f, found);
      return v;
    case 'string-list':
      if (!Array.isArray(v) || !v.every((s): s is string => typeof s === 'string')) fail(where, f, found);
      return checkList(where, f, [...v], found);
  }
}

/** Text form of a value for the CLI grammar (inverse of parseOptionText). */
export function formatOptionText(v: OptionValue): string {
  return Array.isArray(v) ? v.join('|') : String(v);
}

export function sameOptionValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}
