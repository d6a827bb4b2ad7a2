// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { LayersTable, type LayerRow } from '../../src/ui/components/LayersTable';
import { PerLayerTable } from '../../src/ui/components/PerLayerTable';
import { LayersView } from '../../src/ui/containers/LayersView';
import { StoreProvider } from '../../src/ui/store/store-context';
import { createStudioStore } from '../../src/ui/store/studio-store';
import { selectRecipe } from '../../src/ui/store/recipe-slice';
import { filterLayers, nextSort, sortLayers } from '../../src/ui/store/layer-rows';
import { describeLayerChange, layerChangeOf, nodesPattern } from '../../src/ui/store/layer-changes';
import { compileNodePattern } from '../../src/core/graph/node-patterns';
import { formatChange } from '../../src/core/methods/changes';
import { analyzeModel } from '../../src/core/analyze/summary';
import { applyRecipe } from '../../src/core/recipe/apply';
import { recipeFromJson } from '../../src/core/recipe/json';
import { encodeModel } from '../../src/core/onnx/encode';
import type { StepReport } from '../../src/ui/services/types';
import { convBnRelu, mlp } from '../fixtures/models';
import { fakeLayer, fakeMethods, fakeRecipeText, fakeServices } from './fakes';

afterEach(cleanup);

const totals = { parameters: 10, macs: 10, storedBytes: 40, gzipBytes: 30 };
function step(method: string, changes: StepReport['changes']): StepReport {
  return { method, options: {}, tensors: changes.length, ms: 1, warnings: [], changes, before: totals, after: totals };
}

const LAYERS: LayerRow[] = [
  { name: 'conv.weight', op: 'Conv', shape: [8, 3, 3, 3], params: 216, bytes: 864, dtype: 'float32', nodes: ['conv'] },
  { name: 'fc.weight', op: 'Gemm', shape: [10, 32], params: 320, bytes: 1280, dtype: 'float32', nodes: ['fc'] },
  { name: 'shared.weight', op: 'MatMul', shape: [4, 4], params: 16, bytes: 64, dtype: 'float32', nodes: ['mm_a', 'mm.b'] },
  { name: 'shape_const', op: 'Reshape', shape: [2], params: 2, bytes: 16, dtype: 'int64', nodes: [] },
];

describe('layer table rows', () => {
  it('filters by name, op, dtype or reading node, in any case', () => {
    expect(filterLayers(LAYERS, '').map((l) => l.name)).toEqual(LAYERS.map((l) => l.name));
    expect(filterLayers(LAYERS, 'GEMM').map((l) => l.name)).toEqual(['fc.weight']);
    expect(filterLayers(LAYERS, 'int64').map((l) => l.name)).toEqual(['shape_const']);
    expect(filterLayers(LAYERS, 'mm.b').map((l) => l.name)).toEqual(['shared.weight']);
  });

  it('sorts numbers largest first and text A to Z; the same header again reverses', () => {
    expect(sortLayers(LAYERS, { key: 'bytes', reversed: false }).map((l) => l.bytes)).toEqual([1280, 864, 64, 16]);
    expect(sortLayers(LAYERS, { key: 'params', reversed: true }).map((l) => l.params)).toEqual([2, 16, 216, 320]);
    expect(sortLayers(LAYERS, { key: 'op', reversed: false }).map((l) => l.op)).toEqual(['Conv', 'Gemm', 'MatMul', 'Reshape']);
    expect(nextSort({ key: 'bytes', reversed: false }, 'bytes')).toEqual({ key: 'bytes', reversed: true });
    expect(nextSort({ key: 'bytes', reversed: true }, 'name')).toEqual({ key: 'name', reversed: false });
  });

  it('a pattern for several nodes matches exactly those names', () => {
    expect(nodesPattern(['conv'])).toBe('conv');
    const pattern = nodesPattern(['mm_a', 'mm.b']);
    const matches = compileNodePattern(pattern);
    expect(['mm_a', 'mm.b'].every(matches)).toBe(true);
    expect(['mm_ab', 'mmxb', 'x_mm_a'].some(matches)).toBe(false);
  });

  it("gathers a layer's changes over a variant's steps: weight SQNR, sparsity, channels and rank", () => {
    const steps = [
      step('prune-channels', [{ kind: 'channels-removed', name: 'conv', before: 8, after: 6 }]),
      step('prune-unstructured', [{ kind: 'sparsity', name: 'fc.weight', zeros: 160, elements: 320 }]),
      step('low-rank', [{ kind: 'rank', name: 'fc.weight', before: 10, after: 4 }]),
      step('int8-weight', [
        { kind: 'weight-error', name: 'fc.weight', maxAbsError: 0.01, meanAbsError: 0.001, sqnrDb: 41.26 },
        { kind: 'weight-error', name: 'conv.weight', maxAbsError: 0, meanAbsError: 0, sqnrDb: Infinity },
      ]),
    ];
    const fc = layerChangeOf(steps, 'fc.weight', ['fc'])!;
    expect(fc.methods).toEqual(['prune-unstructured', 'low-rank', 'int8-weight']);
    expect(describeLayerChange(fc)).toEqual(['SQNR 41.3 dB', '50.0% zeros', 'rank 4 of 10']);
    expect(describeLayerChange(layerChangeOf(steps, 'conv.weight', ['conv'])!)).toEqual(['exact', 'channels 8 → 6']);
    expect(layerChangeOf(steps, 'shared.weight', ['mm_a', 'mm.b'])).toBeNull();
  });

  it("a refit's output SQNR before and after is in the change's line and in the table's figures", () => {
    const change = { kind: 'weight-error' as const, name: 'fc.weight', maxAbsError: 0.2, meanAbsError: 0.01, sqnrDb: 12.34, outputSqnrDb: { before: 9.87, after: 21.5 } };
    expect(formatChange(change)).toBe('fc.weight: SQNR 12.3 dB, max |error| 0.200, mean 0.0100; output SQNR 9.9 dB -> 21.5 dB refitted');
    expect(describeLayerChange(layerChangeOf([step('reconstruct', [change])], 'fc.weight', ['fc'])!)).toEqual(['SQNR 12.3 dB', 'output SQNR 9.9 dB → 21.5 dB refitted']);
  });

  it("on a real simplify run, the Conv's row says the BatchNormalization folded into it, and no other row does", async () => {
    const model = convBnRelu();
    const layers = analyzeModel(model, encodeModel(model).byteLength).layers;
    const { steps } = await applyRecipe(model, recipeFromJson({ steps: [{ method: 'simplify', options: {} }] }));
    const conv = layers.find((l) => l.name === 'conv1.w')!;
    expect(describeLayerChange(layerChangeOf(steps, conv.name, conv.nodes ?? [], conv.params)!)).toContain('BatchNormalization folded in');
    const others = layers.filter((l) => !(l.nodes ?? []).some((n) => (conv.nodes ?? []).includes(n)));
    expect(others.length).toBeGreaterThan(0);
    for (const l of others) expect(layerChangeOf(steps, l.name, l.nodes ?? [], l.params)?.folded).toBeUndefined();
  });

  it('on a real run, a layer kept float by an override has no change and the others do', async () => {
    const model = mlp();
    const layers = analyzeModel(model, encodeModel(model).byteLength).layers;
    expect(layers.find((l) => l.name === 'fc1.weight')!.nodes).toEqual(['fc1']);
    expect(layers.find((l) => l.name === 'fc2.bias')!.nodes).toEqual(['fc2.bias_add']);
    const recipe = recipeFromJson({ steps: [{ method: 'int8-weight', options: { minElements: 1 } }], overrides: [{ nodes: nodesPattern(['fc1']), method: 'float' }] });
    const { steps } = await applyRecipe(model, recipe);
    expect(layerChangeOf(steps, 'fc1.weight', ['fc1'])).toBeNull();
    const fc2 = layerChangeOf(steps, 'fc2.weight', ['fc2'])!;
    expect(fc2.weightSqnrDb).toBeGreaterThan(30);
  });

  it("a factored layer shows its rank, parameters before → after and SQNR; a whitened one its output SQNR too", async () => {
    const whitened = { kind: 'rank' as const, name: 'fc', before: 64, after: 12, paramsBefore: 20480, paramsAfter: 4608, sqnrDb: 8.04, outputSqnrDb: 19.96 };
    expect(describeLayerChange(layerChangeOf([step('low-rank', [whitened])], 'fc.weight', ['fc'])!)).toEqual(['rank 12 of 64 (20.5 k → 4608 params, SQNR 8.0 dB, output SQNR 20.0 dB)']);
    // The Conv's bias, read by the same node, was not factored.
    const conv = [step('low-rank', [{ kind: 'rank', name: 'conv', before: 8, after: 3, paramsBefore: 64, paramsAfter: 48, sqnrDb: 9.5 }])];
    expect(layerChangeOf(conv, 'conv.bias', ['conv'], 8)).toBeNull();
    expect(layerChangeOf(conv, 'conv.weight', ['conv'], 64)!.rank).toEqual({ before: 8, after: 3, paramsBefore: 64, paramsAfter: 48, sqnrDb: 9.5 });

    const model = mlp();
    const { steps } = await applyRecipe(model, recipeFromJson({ steps: [{ method: 'low-rank', options: { rank: 'ratio', ratio: 0.5 } }] }));
    const ranks = steps[0]!.changes.filter((c) => c.kind === 'rank');
    expect(ranks.length).toBeGreaterThan(0);
    let shown = 0;
    for (const layer of analyzeModel(model, encodeModel(model).byteLength).layers) {
      const c = ranks.find((r) => layer.nodes?.includes(r.name) && layer.name.endsWith('.weight'));
      if (!c || c.kind !== 'rank') continue;
      shown += 1;
      const [text] = describeLayerChange(layerChangeOf(steps, layer.name, layer.nodes ?? [], layer.params)!);
      expect(text).toMatch(/^rank \d+ of \d+ \(\S+( k)? → \S+( k)? params, SQNR \d+\.\d dB\)$/);
      expect(text).toContain(`rank ${c.after} of ${c.before}`);
      expect(c.paramsAfter!).toBeLessThan(c.paramsBefore!);
    }
    expect(shown).toBe(ranks.length);
  });
});

describe('LayersTable', () => {
  const actions = () => ({ methods: fakeMethods, overrideFor: vi.fn((p: string) => (p === 'fc' ? 'float' : undefined)), onOverride: vi.fn() });

  it('sorts by a clicked header, filters, and shows all rows on request', () => {
    render(<LayersTable layers={LAYERS} totalBytes={2224} limit={2} />);
    const names = () => [...screen.getByTestId('layers-table').querySelectorAll('tbody tr')].map((r) => r.getAttribute('data-tensor'));
    expect(names()).toEqual(['fc.weight', 'conv.weight']);
    fireEvent.click(screen.getByRole('button', { name: 'Show all 4' }));
    expect(names()).toEqual(['fc.weight', 'conv.weight', 'shared.weight', 'shape_const']);
    fireEvent.click(screen.getByRole('button', { name: /^Tensor/ }));
    expect(names()).toEqual(['conv.weight', 'fc.weight', 'shape_const', 'shared.weight']);
    expect(screen.getByRole('button', { name: /^Tensor/ }).closest('th')!.getAttribute('aria-sort')).toBe('ascending');
    fireEvent.click(screen.getByRole('button', { name: /^Tensor/ }));
    expect(names()[0]).toBe('shared.weight');
    fireEvent.change(screen.getByLabelText('Filter layers'), { target: { value: 'conv' } });
    expect(names()).toEqual(['conv.weight']);
    expect(screen.getByTestId('layers-table').querySelector('caption')!.textContent).toMatch(/1 of 1, filtered from 4/);
  });

  it("shows the chosen variant's change per layer", () => {
    const variants = [
      { id: 'a', label: 'int8-weight', steps: [step('int8-weight', [{ kind: 'weight-error', name: 'fc.weight', maxAbsError: 0.01, meanAbsError: 0.001, sqnrDb: 38.04 }])] },
      { id: 'b', label: 'prune-channels', steps: [step('prune-channels', [{ kind: 'channels-removed', name: 'conv', before: 8, after: 4 }])] },
    ];
    render(<LayersTable layers={LAYERS} totalBytes={2224} variants={variants} />);
    const cell = (tensor: string) => within(screen.getByTestId('layers-table').querySelector(`tr[data-tensor="${tensor}"]`) as HTMLElement).getByTestId('layer-change');
    // The newest variant first.
    expect(cell('conv.weight').textContent).toBe('channels 8 → 4');
    expect(cell('fc.weight').textContent).toBe('unchanged');
    fireEvent.change(screen.getByLabelText('Changes in'), { target: { value: 'a' } });
    expect(cell('fc.weight').textContent).toBe('SQNR 38.0 dB');
    expect(cell('conv.weight').getAttribute('data-changed')).toBe('false');
  });

  it("each row's override control keeps the layer float, sends it to a method, or gives it back to the recipe", () => {
    const a = actions();
    render(<LayersTable layers={LAYERS} totalBytes={2224} actions={a} />);
    const fc = screen.getByLabelText('Override for fc.weight') as HTMLSelectElement;
    expect(fc.value).toBe('float');
    expect([...fc.options].map((o) => o.value)).toEqual(['', 'float', ...fakeMethods.map((m) => m.id)]);
    fireEvent.change(fc, { target: { value: '' } });
    expect(a.onOverride).toHaveBeenLastCalledWith('fc', null);
    fireEvent.change(screen.getByLabelText('Override for shared.weight'), { target: { value: 'int4' } });
    expect(a.onOverride).toHaveBeenLastCalledWith('/^(?:mm_a|mm\\.b)$/', 'int4');
    expect((screen.getByLabelText('Override for shape_const') as HTMLSelectElement).disabled).toBe(true);
  });
});

describe('layer overrides in the store', () => {
  const newStore = () => createStudioStore({ services: fakeServices().services, methods: fakeMethods, recipeText: fakeRecipeText });

  it('overrideNodes edits the row with that pattern or appends one; dropNodeOverride removes it', () => {
    const store = newStore();
    const s = () => store.getState();
    s().overrideNodes('fc', 'float');
    s().overrideNodes('conv', 'int4');
    s().overrideNodes('fc', 'int8-dynamic');
    s().overrideNodes('x', 'no-such-method');
    expect(selectRecipe(s()).overrides).toEqual([
      { nodes: 'fc', method: 'int8-dynamic' },
      { nodes: 'conv', method: 'int4' },
    ]);
    s().dropNodeOverride('fc');
    expect(selectRecipe(s()).overrides).toEqual([{ nodes: 'conv', method: 'int4' }]);
  });

  it('the layer table in the page adds the override the editor shows', () => {
    const store = newStore();
    render(
      <StoreProvider store={store}>
        <LayersView layers={LAYERS} totalBytes={2224} />
      </StoreProvider>,
    );
    fireEvent.change(screen.getByLabelText('Override for conv.weight'), { target: { value: 'float' } });
    expect(store.getState().recipeOverrides.map((o) => [o.nodes, o.method])).toEqual([['conv', 'float']]);
    expect((screen.getByLabelText('Override for conv.weight') as HTMLSelectElement).value).toBe('float');
    act(() => store.getState().setOverride(0, { method: 'int4' }));
    expect((screen.getByLabelText('Override for conv.weight') as HTMLSelectElement).value).toBe('int4');
  });

  it('the per-layer error table has the same control, on the producing node', () => {
    const onOverride = vi.fn();
    render(<PerLayerTable layers={[fakeLayer('h1', 'Gemm', 30)]} worst={new Set()} actions={{ methods: fakeMethods, overrideFor: () => undefined, onOverride }} />);
    fireEvent.change(screen.getByLabelText('Override for h1_node'), { target: { value: 'float' } });
    expect(onOverride).toHaveBeenCalledWith('h1_node', 'float');
    expect(screen.queryByTestId('layer-refit')).toBeNull();
  });

  it("the per-layer error table shows a refitted layer's output SQNR before and after", () => {
    const refits = new Map([['h1_node', { beforeDb: 11.23, afterDb: 19.87 }]]);
    render(<PerLayerTable layers={[fakeLayer('h1', 'Gemm', 30), fakeLayer('h2', 'Relu', 28)]} worst={new Set()} refits={refits} />);
    expect(screen.getAllByTestId('layer-refit').map((td) => td.textContent)).toEqual(['11.2 → 19.9', '']);
  });
});
