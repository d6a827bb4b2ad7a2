import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../../src/core/onnx/decode';
import { FeatherweightError } from '../../../src/core/util/errors';
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
