import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const RULE = '@typescript-eslint/no-restricted-imports';
let eslint: ESLint;

/** The layer-rule messages the project's config gives `text` as if it were the file at `filePath`. */
async function layerErrors(filePath: string, text: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath: `${root}${filePath}` });
  return result!.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

beforeAll(() => {
  eslint = new ESLint({ cwd: root, overrideConfigFile: `${root}eslint.config.js` });
});

describe('import boundaries between the layers', () => {
  it.each([
    ['a UI component importing a runtime type', 'src/ui/components/X.tsx', "import type { Backend } from '../../runtime/types';\nexport const b: Backend = 'wasm';\n", /must not import src\/runtime/],
    ['a UI store importing the CLI', 'src/ui/store/x.ts', "import { formatTable } from '../../cli/format';\nexport const t = formatTable;\n", /must not import src\/cli/],
    ['a UI component importing a worker API type', 'src/ui/components/X.tsx', "import type { BenchWorkerApi } from '../../../workers/bench-api';\nexport type A = BenchWorkerApi;\n", /Only src\/ui\/services may know the workers/],
    ['a UI service importing a worker API as a value', 'src/ui/services/x.ts', "import { createBenchWorkerApi } from '../../../workers/bench-api';\nexport const c = createBenchWorkerApi;\n", /only as types/],
    ['a UI service importing a worker module that is not an API', 'src/ui/services/x.ts', "import type { LoadedSampleSet } from '../../../workers/sample-input';\nexport type L = LoadedSampleSet;\n", /only the workers' API types/],
    ['a UI service importing the runtime', 'src/ui/services/x.ts', "import type { Runtime } from '../../runtime/types';\nexport type R = Runtime;\n", /must not import src\/runtime/],
    ['the CLI importing the UI', 'src/cli/x.ts', "import { formatBytes } from '../ui/format';\nexport const f = formatBytes;\n", /CLI must not import the UI/],
    ['the CLI importing a worker module', 'src/cli/commands/x.ts', "import { inputRunnableBytes } from '../../../workers/model-input';\nexport const r = inputRunnableBytes;\n", /CLI must not import the workers/],
    ['a worker importing the UI', 'workers/x.ts', "import type { StudioServices } from '../src/ui/services/types';\nexport type S = StudioServices;\n", /workers must not import the UI/],
    ['the runtime importing the UI', 'src/runtime/x.ts', "import { formatMs } from '../ui/format';\nexport const f = formatMs;\n", /runtime must not import the UI/],
    ['the runtime importing the CLI', 'src/runtime/x.ts', "import { formatMs } from '../cli/format';\nexport const f = formatMs;\n", /runtime must not import the CLI/],
  ])('fails %s', async (_what, filePath, text, message) => {
    const errors = await layerErrors(filePath, text);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  });

  it.each([
    ['a UI service typing a comlink proxy with a worker API type', 'src/ui/services/x.ts', "import type { BenchWorkerRemote } from '../../../workers/bench.worker';\nexport type R = BenchWorkerRemote;\n"],
    ['a UI component importing a core result type', 'src/ui/components/X.tsx', "import type { LayerError } from '../../core/evaluate/per-layer-result';\nexport type L = LayerError;\n"],
    ['the CLI importing the runtime', 'src/cli/x.ts', "import { runSamples } from '../runtime/compare';\nexport const r = runSamples;\n"],
    ['a worker importing the runtime', 'workers/x.ts', "import { runSamples } from '../src/runtime/compare';\nexport const r = runSamples;\n"],
  ])('allows %s', async (_what, filePath, text) => {
    expect(await layerErrors(filePath, text)).toEqual([]);
  });
});
