import { describe, expect, it } from 'vitest';
import { parseJsonSample } from '../../../../src/core/evaluate/loaders/json-array';

const json = (v: unknown): Uint8Array => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

describe('parseJsonSample', () => {
  it('reads nested arrays with their shape, and objects of arrays by input name', () => {
    const one = parseJsonSample(json([[1, 2, 3], [4, 5, 6]]), 'a.json');
    expect(one.kind).toBe('tensor');
    if (one.kind !== 'tensor') return;
    expect(one.tensor.dims).toEqual([2, 3]);
    expect(Array.from(one.tensor.data as Float64Array)).toEqual([1, 2, 3, 4, 5, 6]);
    const named = parseJsonSample(json({ ids: [[1, 2]], mask: [[true, false]] }), 'b.json');
    expect(named.kind).toBe('named');
    if (named.kind !== 'named') return;
    expect(named.tensors.ids!.dims).toEqual([1, 2]);
    expect(named.tensors.mask!.dtype).toBe('bool');
    expect(parseJsonSample(json({ s: 3 }), 'c.json')).toMatchObject({ kind: 'named', tensors: { s: { dims: [] } } });
  });

  it.each([
    ['{"x": [1,', /bad.json: not valid JSON/],
    [[[1, 2], [3]], /bad.json: the array is ragged: item \[1\] has 1 items; expected 2/],
    [[[1, 2], 3], /ragged: item \[1\] has number/],
    [[1, 'a'], /item \[1\] is string; expected a number/],
    [[1, null], /item \[1\] is null/],
    ['"text"', /holds string; expected an array/],
    [{}, /the JSON object is empty/],
  ])('gives a typed error for %j', (value, message) => {
    expect(() => parseJsonSample(json(value), 'bad.json')).toThrow(message);
  });
});
