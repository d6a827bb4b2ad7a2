/**
 * The long fuzz run, for before a release: `npm run fuzz -- --cases 100000 [--seed 1]`.
 * Prints the tally; exits 1 at the first case that breaks the contract, naming it.
 */
import { parseArgs } from 'node:util';
import { FuzzFailure, fuzzSources, runFuzzCase, tally, type FuzzCase } from './model-fuzz';

const { values } = parseArgs({ options: { cases: { type: 'string', default: '10000' }, seed: { type: 'string', default: '1' } } });
const count = Number(values.cases);
const seed = Number(values.seed);
if (!Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(seed)) {
  console.error('usage: npm run fuzz -- --cases N [--seed S]');
  process.exit(2);
}
const sources = fuzzSources();
const cases: FuzzCase[] = [];
const start = performance.now();
try {
  for (let i = 0; i < count; i++) {
    cases.push(await runFuzzCase(sources, seed, i));
    if ((i + 1) % 1000 === 0) console.error(`${i + 1}/${count} cases, ${Math.round((performance.now() - start) / 1000)} s`);
  }
} catch (e) {
  if (e instanceof FuzzFailure) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
const t = tally(cases);
console.log(JSON.stringify({ seed, ...t, wallSeconds: Math.round((performance.now() - start) / 100) / 10 }, null, 2));
