import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importChain, reachable, ROOT, sourceFiles } from './import-graph';

const METHODS = join(ROOT, 'src/core/methods');
const REGISTRY = join(METHODS, 'registry.ts');
const DECLARATIONS = join(METHODS, 'declarations/index.ts');

/** The method contract the hosts share: types, the change records and their text, option parsing. */
const CONTRACT = ['types.ts', 'changes.ts', 'options.ts'].map((f) => join(METHODS, f));
/** Core modules that run methods (they import the registry), so they are not shared ground. */
const RUNNERS = ['recipe/apply.ts', 'recipe/index.ts'].map((f) => join(ROOT, 'src/core', f));

/**
 * Method code: the registry and every file under src/core/methods that it reaches and that
 * neither the declarations, the contract nor the rest of the core (analysis, recipe parsing)
 * reach: the apply bodies, kernels, calibration, graph rewriters. Derived, so a new method's
 * module is covered the moment the registry lists it.
 */
function methodCode(): Set<string> {
  const rest = sourceFiles(join(ROOT, 'src/core')).filter((f) => !f.startsWith(METHODS) && !RUNNERS.includes(f));
  const shared = reachable([DECLARATIONS, ...CONTRACT, ...rest]);
  return new Set([...reachable([REGISTRY]).keys()].filter((f) => f.startsWith(METHODS) && !shared.has(f)));
}

describe('the studio bundle and method code', () => {
  it('finds the implementations through the registry (the check below has something to catch)', () => {
    const code = methodCode();
    for (const id of ['int8-weight', 'int4', 'fp16']) expect(code).toContain(join(METHODS, `${id}.ts`));
    expect(code).toContain(REGISTRY);
    expect(code).not.toContain(DECLARATIONS);
  });

  it('src/ui reaches no method code through value imports: it lists methods and builds forms from the declarations alone', () => {
    const code = methodCode();
    const graph = reachable(sourceFiles(join(ROOT, 'src/ui')));
    const leaks = [...graph.keys()].filter((f) => code.has(f)).map((f) => importChain(graph, f).join(' -> '));
    expect(leaks).toEqual([]);
    // The walk does reach the declarations (through main.tsx and the recipe format).
    expect(graph.has(DECLARATIONS)).toBe(true);
  });
});

describe('the lint rule that keeps method code out of src/ui', () => {
  it('flags value imports of the registry, a method module, kernels and recipe apply, and lets declarations and report types through', async () => {
    const { ESLint } = await import('eslint');
    const eslint = new ESLint({ cwd: ROOT });
    const source = [
      "import { methods } from '../core/methods/registry';",
      "import { int4 } from '../core/methods/int4';",
      "import { quantizeInt8 } from '../core/methods/kernels/quantize-int8';",
      "import { applyRecipe } from '../core/recipe';",
      "import { declarations } from '../core/methods/declarations';",
      "import { int4Declaration } from '../core/methods/declarations/int4';",
      "import { formatChange } from '../core/methods/changes';",
      "import type { StepReport } from '../core/recipe';",
      'export const used = [methods, int4, quantizeInt8, applyRecipe, declarations, int4Declaration, formatChange];',
      'export type Report = StepReport;',
      '',
    ].join('\n');
    const [result] = await eslint.lintText(source, { filePath: join(ROOT, 'src/ui/probe.ts') });
    const flagged = result!.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.line);
    expect(flagged).toEqual([1, 2, 3, 4]);
  }, 60_000);
});
