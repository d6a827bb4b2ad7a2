import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { sha256Hex } from '../../../src/core/util/sha256';

describe('sha256Hex', () => {
  it('gives the standard digest of the empty input and of "abc"', async () => {
    expect(await sha256Hex(new Uint8Array())).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it("agrees with Node's hash on a view into a larger buffer", async () => {
    const whole = new Uint8Array(4096).map((_, i) => (i * 31) & 0xff);
    const view = whole.subarray(100, 3000);
    expect(await sha256Hex(view)).toBe(createHash('sha256').update(view).digest('hex'));
  });
});
