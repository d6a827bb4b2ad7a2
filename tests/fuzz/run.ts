/**
 * The long fuzz run, for before a release: `npm run fuzz -- --cases 100000 [--seed 1]`.
 * Prints every case that breaks the contract as it happens, then the tally; exits 1 if any did.
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
const failures: string[] = [];
const start = performance.now();
for (let i = 0; i < count; i++) {
  try {
    cases.push(await runFuzzCase(sources, seed, i));
  } catch (e) {
    if (!(e instanceof FuzzFailure)) throw e;
    failures.push(e.message);
    console.error(e.message);
  }
  if ((i + 1) % 1000 === 0) console.error(`${i + 1}/${count} cases, ${failures.length} failures, ${Math.round((performance.now() - start) / 1000)} s`);
}
const t = tally(cases);
console.log(JSON.stringify({ seed, ...t, failures: failures.length, wallSeconds: Math.round((performance.now() - start) / 100) / 10 }, null, 2));
if (failures.length > 0) process.exit(1);
