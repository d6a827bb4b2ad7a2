import { describe, expect, it } from 'vitest';
import { fuzzSources, runFuzzCase, tally, type FuzzCase } from './model-fuzz';

/** Seeded and bounded for CI; `npm run fuzz -- --cases 100000` is the long run. */
const CASES = 2000;
const SEED = 12;

describe('model fuzz (decode, analyze, a method, encode)', () => {
  it(`${CASES} seeded mutations each end in a model or a typed error, none past the watchdog`, async () => {
    const sources = fuzzSources();
    const cases: FuzzCase[] = [];
    for (let i = 0; i < CASES; i++) cases.push(await runFuzzCase(sources, SEED, i));
    const t = tally(cases);
    expect(t.cases).toBe(CASES);
    // Both outcomes occur: the mutations neither all break decoding nor all leave the model intact.
    expect(t.models).toBeGreaterThan(CASES / 10);
    expect(t.typedErrors.ModelFormatError ?? 0).toBeGreaterThan(CASES / 10);
    // Every stage past decoding is reached by some case.
    expect(cases.some((c) => c.result === 'model' && c.method !== undefined)).toBe(true);
  }, 240_000);
});
