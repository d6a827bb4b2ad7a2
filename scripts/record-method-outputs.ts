/** Writes tests/fixtures/method-outputs.json: the SHA-256 of every method's output per model (npx tsx scripts/record-method-outputs.ts). */
import { writeFileSync } from 'node:fs';
import { loadCaseModel, outputCases, outputHash, RECORD_PATH } from '../tests/core/graph/method-outputs';

const table: Record<string, Record<string, string>> = {};
const models = new Map<string, ReturnType<typeof loadCaseModel>>();
for (const { model, recipe } of outputCases()) {
  if (!models.has(model)) models.set(model, loadCaseModel(model));
  const hash = await outputHash(models.get(model)!, recipe);
  (table[model] ??= {})[recipe] = hash;
  console.log(model, recipe, hash.slice(0, 80));
}
writeFileSync(RECORD_PATH, `${JSON.stringify(table, null, 2)}\n`);
