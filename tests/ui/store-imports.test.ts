import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { findCycle, importGraph } from './import-graph';

const storeDir = fileURLToPath(new URL('../../src/ui/store', import.meta.url));

describe("the store's import graph", () => {
  it('finds a cycle where there is one, and none in a tree', () => {
    const cyclic = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts', 'd.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', []],
    ]);
    expect(findCycle(cyclic)).toEqual(['a.ts', 'b.ts', 'c.ts', 'a.ts']);
    expect(findCycle(new Map([...cyclic, ['c.ts', ['d.ts']]]))).toBeNull();
    expect(findCycle(new Map([['self.ts', ['self.ts']]]))).toEqual(['self.ts', 'self.ts']);
  });

  it('is read from the files, type-only imports included', () => {
    const graph = importGraph(storeDir);
    expect(graph.get('workflows.ts')).toEqual(expect.arrayContaining(['model-slice.ts', 'variants-slice.ts', 'measure-slice.ts', 'evaluation-slice.ts']));
    // `import type { ModelSlice } from './model-slice'` is an edge too.
    expect(graph.get('measure-slice.ts')).toContain('model-slice.ts');
  });

  it('has no cycle: slices import only slices below them, and only the workflows sequence them', () => {
    const graph = importGraph(storeDir);
    const cycle = findCycle(graph);
    expect(cycle, `import cycle: ${cycle?.join(' -> ')}`).toBeNull();
    const slices = [...graph.keys()].filter((f) => f.endsWith('-slice.ts'));
    expect(slices.length).toBeGreaterThanOrEqual(6);
    for (const slice of slices) expect(graph.get(slice)!.filter((f) => ['workflows.ts', 'studio-state.ts', 'studio-store.ts'].includes(f)), slice).toEqual([]);
  });
});
