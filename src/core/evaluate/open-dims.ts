import { DEFAULT_INT_RANGE, resolveShape } from './inputs';
import type { IOSpecLike } from './io-spec';

/**
 * One input size a user can set: a symbolic dim (`batch`, shared by every input that names it)
 * or a dim without a name, keyed by input and axis (`input[1]`). The key is what `dims` takes.
 */
export interface OpenDim {
  key: string;
  /** True for a symbolic name, false for a dim without one. */
  named: boolean;
  /** The inputs (and axes) the dim sizes, e.g. `input[1]`. */
  uses: string[];
  /** The size synthetic inputs give it when nothing is set. */
  guess: number;
}

/** A scalar input (rank 0, or a single element) whose value, not its size, matters: a sample rate, a threshold. */
export interface ValueInput {
  name: string;
  dtype: string;
  /** Integer inputs take integers; float inputs any finite number. */
  integer: boolean;
}

const UNNAMED = new Set(['', '?']);
const isFixed = (d: number | string | null): d is number => typeof d === 'number' && d >= 0;
const nameOf = (d: number | string | null): string | null => (typeof d === 'string' && !UNNAMED.has(d) ? d : null);

const INTEGER_TYPES = new Set(['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']);
const FLOAT_TYPES = new Set(['float32', 'float64', 'float16']);

/** Every dim of the inputs that is not fixed, each once, in input order: named ones by name, the others by input and axis. */
export function openDims(inputs: readonly IOSpecLike[]): OpenDim[] {
  const out = new Map<string, OpenDim>();
  for (const spec of inputs) {
    if (!spec.shape) continue;
    const guesses = resolveShape(spec);
    spec.shape.forEach((d, axis) => {
      if (isFixed(d)) return;
      const name = nameOf(d);
      const key = name ?? `${spec.name}[${axis}]`;
      const use = `${spec.name}[${axis}]`;
      const seen = out.get(key);
      if (seen) seen.uses.push(use);
      else out.set(key, { key, named: name !== null, uses: [use], guess: guesses[axis]! });
    });
  }
  return [...out.values()];
}

/** Inputs of one element (rank 0 or all dims 1) with a numeric dtype: their value is a setting. */
export function valueInputs(inputs: readonly IOSpecLike[]): ValueInput[] {
  return inputs
    .filter((s) => s.shape != null && s.shape.every((d) => d === 1) && (INTEGER_TYPES.has(s.dtype) || FLOAT_TYPES.has(s.dtype)))
    .map((s) => ({ name: s.name, dtype: s.dtype, integer: INTEGER_TYPES.has(s.dtype) }));
}

/**
 * The open dims synthetic inputs guess (not set in `dims`, by their key or by input and axis),
 * as `key=size` with the size each got.
 */
export function guessedDims(inputs: readonly IOSpecLike[], dims: Readonly<Record<string, number>> = {}): string[] {
  const out = new Set<string>();
  for (const spec of inputs) {
    if (!spec.shape) continue;
    let sizes: number[];
    try {
      sizes = resolveShape(spec, dims);
    } catch {
      continue;
    }
    spec.shape.forEach((d, axis) => {
      if (isFixed(d)) return;
      const key = nameOf(d) ?? `${spec.name}[${axis}]`;
      if (dims[key] !== undefined || dims[`${spec.name}[${axis}]`] !== undefined) return;
      out.add(`${key}=${sizes[axis]}`);
    });
  }
  return [...out];
}

/** The value inputs left to random values (not set in `values`), as `name=random in [min, max)` or `name=random` for floats. */
export function guessedValues(inputs: readonly IOSpecLike[], values: Readonly<Record<string, number>> = {}): string[] {
  return valueInputs(inputs)
    .filter((v) => values[v.name] === undefined)
    .map((v) => (v.integer ? `${v.name}=random in [${DEFAULT_INT_RANGE.min}, ${DEFAULT_INT_RANGE.max})` : `${v.name}=random`));
}
