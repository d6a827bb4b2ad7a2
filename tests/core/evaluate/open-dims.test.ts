import { describe, expect, it } from 'vitest';
import { guessedDims, guessedValues, openDims, valueInputs } from '../../../src/core/evaluate/open-dims';
import { graphInputSpecs } from '../../../src/core/evaluate/io-spec';
import { synthesizeModelInputs } from '../../../src/core/evaluate/inputs';
import { voiceActivity } from '../../fixtures/voice-activity';

describe('open input dims and value inputs', () => {
  const vad = graphInputSpecs(voiceActivity());

  it('gives every dim without a size a key: symbolic ones by name (once), unnamed ones by input and axis', () => {
    expect(openDims(vad)).toEqual([
      { key: 'input[0]', named: false, uses: ['input[0]'], guess: 1 },
      { key: 'input[1]', named: false, uses: ['input[1]'], guess: 16 },
    ]);
    const shared = openDims([
      { name: 'ids', dtype: 'int64', shape: ['batch', 'seq'] },
      { name: 'mask', dtype: 'int64', shape: ['batch', 'seq'] },
      { name: 'image', dtype: 'float32', shape: [1, 3, '?', -1] },
    ]);
    expect(shared.map((d) => [d.key, d.uses, d.guess])).toEqual([
      ['batch', ['ids[0]', 'mask[0]'], 1],
      ['seq', ['ids[1]', 'mask[1]'], 16],
      ['image[2]', ['image[2]'], 64],
      ['image[3]', ['image[3]'], 64],
    ]);
  });

  it('finds scalar inputs whose value is a setting, and says which were left random', () => {
    expect(valueInputs(vad)).toEqual([{ name: 'sr', dtype: 'int64', integer: true }]);
    expect(valueInputs([{ name: 't', dtype: 'float32', shape: [1] }, { name: 's', dtype: 'string', shape: [] }, { name: 'x', dtype: 'float32', shape: [2] }])).toEqual([
      { name: 't', dtype: 'float32', integer: false },
    ]);
    expect(guessedValues(vad)).toEqual(['sr=random in [0, 10)']);
    expect(guessedValues(vad, { sr: 16000 })).toEqual([]);
  });

  it('lists the guessed dims until each is set, by its key', () => {
    expect(guessedDims(vad)).toEqual(['input[0]=1', 'input[1]=16']);
    expect(guessedDims(vad, { 'input[1]': 512 })).toEqual(['input[0]=1']);
  });

  it('feeds a set value to every element of its input, and rejects a fraction for an integer input', () => {
    const [feeds] = synthesizeModelInputs(voiceActivity(), { seed: 3, count: 1, dims: { 'input[1]': 512 }, values: { sr: 16000 } });
    expect(feeds!.sr!.data).toEqual(BigInt64Array.of(16000n));
    expect(feeds!.input!.dims).toEqual([1, 512]);
    expect(() => synthesizeModelInputs(voiceActivity(), { seed: 3, count: 1, values: { sr: 0.5 } })).toThrow(/was given the value 0.5; expected an integer/);
    const [f] = synthesizeModelInputs(voiceActivity(), { seed: 3, count: 1, values: { input: 0.25 } });
    expect([...(f!.input!.data as Float32Array)].every((v) => v === 0.25)).toBe(true);
  });
});
