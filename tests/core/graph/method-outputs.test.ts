import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ModelIR } from '../../../src/core/ir/model';
import { loadCaseModel, outputCases, outputHash, RECORD_PATH } from './method-outputs';

const recorded = JSON.parse(readFileSync(RECORD_PATH, 'utf8')) as Record<string, Record<string, string>>;

describe('every method gives the bytes recorded before the graph-layer port', () => {
  const byModel = new Map<string, string[]>();
  for (const c of outputCases()) byModel.set(c.model, [...(byModel.get(c.model) ?? []), c.recipe]);
  for (const [model, recipes] of byModel) {
    it(`${model}: ${recipes.length} recipes`, async () => {
      const ir: ModelIR = loadCaseModel(model);
      const got: Record<string, string> = {};
      for (const recipe of recipes) got[recipe] = await outputHash(ir, recipe);
      expect(got).toEqual(recorded[model]);
    }, 300_000);
  }
});
