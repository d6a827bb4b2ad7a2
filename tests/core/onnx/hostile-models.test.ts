import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../../src/core/onnx/decode';
import { FeatherweightError } from '../../../src/core/util/errors';
import { droppedExternalFiles } from '../../../workers/model-input';
import { HOSTILE_MODELS, type HostileModel } from './hostile-models';

describe.each<HostileModel>(HOSTILE_MODELS.filter((c) => !c.diskOnly))('decoding $label', (c) => {
  it(`refuses it with a ${c.error} that names what is wrong`, () => {
    let caught: unknown;
    try {
      decodeModel(c.bytes(), { externalFiles: c.files?.() ?? new Map() });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(FeatherweightError);
    expect((caught as Error).name).toBe(c.error);
    expect((caught as Error).message).toMatch(c.message);
  });
});

describe('the dropped-folder lookup (the studio worker)', () => {
  const escaping = HOSTILE_MODELS.filter((c) => c.error === 'ExternalDataError' && !c.diskOnly && /escapes|absolute/.test(c.message.source));

  it.each(escaping.map((c) => [c.label, c] as const))('refuses %s even when a file of that name was dropped', (_, c) => {
    const dropped = Object.fromEntries([...(c.files?.() ?? [])].flatMap(([path, bytes]) => [[path, bytes], ['passwd', bytes]]));
    expect(() => decodeModel(c.bytes(), { externalFiles: droppedExternalFiles(dropped) })).toThrow(c.message);
  });

  it('has both escaping cases to check', () => {
    expect(escaping.length).toBe(2);
  });
});
