import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './cli-errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Flags every command takes. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
} as const satisfies Options;

/**
 * Strict parsing of one command's arguments: unknown flags, missing flag values and
 * stray positionals become UsageErrors naming the command.
 */
export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message.replace(/\. To specify a positional argument.*$/s, '.') : String(e), command);
  }
}

/** An integer flag value in [min, max], or the default when the flag is absent. */
export function intFlag(command: string, flag: string, value: string | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${flag} was '${value}'; expected an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}.`, command);
  }
  return n;
}

/**
 * `--dim name=value` flags as a record. A name is a symbolic dim of an input (`batch`) or an
 * input and axis (`x[2]`) for dims that have no name.
 */
export function dimFlags(command: string, values: readonly string[] | undefined): Record<string, number> {
  const dims: Record<string, number> = {};
  for (const text of values ?? []) {
    const at = text.lastIndexOf('=');
    const name = text.slice(0, at).trim();
    const value = text.slice(at + 1).trim();
    if (at <= 0 || name === '' || !/^\d+$/.test(value) || Number(value) < 1) {
      throw new UsageError(`--dim '${text}' is not name=size; expected for example --dim batch=1 or --dim 'x[2]=224' (size >= 1).`, command);
    }
    dims[name] = Number(value);
  }
  return dims;
}

export function requirePositionals(command: string, positionals: string[], names: string[], allowMore = false): void {
  if (positionals.length < names.length) {
    throw new UsageError(`Missing ${names.slice(positionals.length).map((n) => `<${n}>`).join(' ')}.`, command);
  }
  if (!allowMore && positionals.length > names.length) {
    throw new UsageError(`Unexpected argument '${positionals[names.length]}'.`, command);
  }
}

/** `--range min,max`: floats drawn uniformly from [min, max) instead of a standard normal. */
export function rangeFlag(command: string, value: string | undefined): { kind: 'uniform'; min: number; max: number } | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(',').map((p) => p.trim());
  const [min, max] = parts.map(Number);
  if (parts.length !== 2 || parts.some((p) => p === '') || !Number.isFinite(min) || !Number.isFinite(max) || !(min! < max!)) {
    throw new UsageError(`--range was '${value}'; expected min,max with min < max, for example --range=-1,1.`, command);
  }
  return { kind: 'uniform', min: min!, max: max! };
}
