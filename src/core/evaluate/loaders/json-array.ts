import type { Feeds, TensorData } from '../tensor-data';
import { SampleFormatError } from './sample-error';

/** What a JSON sample file holds: one unnamed array, or an object of arrays by input name. */
export type JsonSample = { kind: 'tensor'; tensor: TensorData } | { kind: 'named'; tensors: Feeds };

/** Shape and values of a nested, rectangular array of numbers (or booleans). */
function flatten(value: unknown, file: string, where: string): TensorData {
  const dims: number[] = [];
  for (let v: unknown = value; Array.isArray(v); v = v[0]) {
    dims.push(v.length);
    if (v.length === 0) break;
  }
  const values: number[] = [];
  let booleans = 0;
  const walk = (v: unknown, depth: number, path: string): void => {
    if (depth === dims.length) {
      if (typeof v === 'number') values.push(v);
      else if (typeof v === 'boolean') {
        values.push(v ? 1 : 0);
        booleans++;
      } else {
        throw new SampleFormatError(file, `${where}${path} is ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}; expected a number (the array is ${dims.length}-D).`);
      }
      return;
    }
    if (!Array.isArray(v) || v.length !== dims[depth]) {
      const found = Array.isArray(v) ? `${v.length} items` : typeof v;
      throw new SampleFormatError(file, `the array is ragged: ${where}${path} has ${found}; expected ${dims[depth]} items like the first row at that depth.`);
    }
    v.forEach((item, i) => walk(item, depth + 1, `${path}[${i}]`));
  };
  walk(value, 0, '');
  const data = Float64Array.from(values);
  if (booleans > 0 && booleans === values.length) return { dtype: 'bool', dims, data: Uint8Array.from(values) };
  return { dtype: 'float64', dims, data };
}

/**
 * Parses a JSON sample: a nested array of numbers (one tensor, shape from the nesting) or an
 * object mapping input names to such arrays. Numbers are kept as float64 (bools as bool) until
 * they are fitted to an input's dtype. Throws SampleFormatError for invalid JSON, ragged arrays
 * and non-numeric items, naming the file and the position.
 */
export function parseJsonSample(bytes: Uint8Array, file: string): JsonSample {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new SampleFormatError(file, `not valid JSON (${e instanceof Error ? e.message : String(e)}); expected an array of numbers or an object of arrays.`);
  }
  if (Array.isArray(value)) return { kind: 'tensor', tensor: flatten(value, file, 'item ') };
  if (value !== null && typeof value === 'object') {
    const tensors: Feeds = {};
    for (const [name, v] of Object.entries(value)) tensors[name] = flatten(v, file, `'${name}'`);
    if (Object.keys(tensors).length === 0) throw new SampleFormatError(file, 'the JSON object is empty; expected arrays by input name.');
    return { kind: 'named', tensors };
  }
  throw new SampleFormatError(file, `the JSON holds ${value === null ? 'null' : typeof value}; expected an array of numbers or an object of arrays by input name.`);
}
