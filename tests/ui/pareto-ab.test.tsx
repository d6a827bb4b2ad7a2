// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { ParetoChart } from '../../src/ui/components/ParetoChart';
import { AbView } from '../../src/ui/components/AbView';
import { VariantsTable } from '../../src/ui/components/VariantsTable';
import { comparisonRows } from '../../src/ui/store/comparison-rows';
import { fidelityColor, paretoFront, paretoPoints } from '../../src/ui/store/pareto';
import { gzipSizes, smallerOnlyGzipped } from '../../src/ui/store/gzip-sizes';
import type { Measurement } from '../../src/ui/store/measure-slice';
import type { Variant } from '../../src/ui/store/variants-slice';
import type { StepReport } from '../../src/ui/services/types';
import { applyRecipe } from '../../src/core/recipe/apply';
import { recipeFromJson } from '../../src/core/recipe/json';
import { encodeModel } from '../../src/core/onnx/encode';
import { mlp } from '../fixtures/models';
import { TradeoffsView } from '../../src/ui/containers/TradeoffsView';
import { StoreProvider } from '../../src/ui/store/store-context';
import { act } from '@testing-library/react';
import { fakeBench, fakeFidelity, fakeStudio, onnxFile, settle, stubResizeObserver } from './fakes';

afterEach(cleanup);

function variant(id: string, label: string, sizeBytes: number, gzipBytes: number): Variant {
  const totals = (gzip: number, stored: number) => ({ parameters: 1, macs: 1, storedBytes: stored, gzipBytes: gzip });
  const step: StepReport = { method: label, options: {}, tensors: 1, ms: 1, warnings: [], changes: [], before: totals(3_000_000, 4_000_000), after: totals(gzipBytes, sizeBytes) };
  return { id, label, recipeText: label, recipe: { steps: [{ method: label, options: {} }] }, fileName: `m.${label}.onnx`, sizeBytes, steps: [step], ms: 1, cpuOnly: false };
}

function measured(p50: number, cosine: number | null, backend: Measurement['backend'] = 'wasm'): Measurement {
  const fidelity = cosine === null ? null : { ...fakeFidelity, outputs: [{ ...fakeFidelity.outputs[0]!, cosine }] };
  return { backend, round: 1, status: 'done', bench: fakeBench(p50), fidelity, error: null };
}

const model = { id: 'orig', sizeBytes: 4_000_000 };
const variants = [variant('v1', 'int8-weight', 1_000_000, 800_000), variant('v2', 'fp16', 2_000_000, 1_700_000), variant('v3', 'prune-unstructured', 4_000_000, 2_000_000), variant('v4', 'int4', 700_000, 600_000)];
const measurements: Record<string, Measurement> = {
  orig: measured(10, null),
  v1: measured(6, 0.9999),
  // Larger and slower than int8-weight: dominated.
  v2: measured(8, 0.999999),
  v3: measured(10.5, 0.98),
  // Timed on another backend: no comparable latency.
  v4: measured(3, 0.99, 'webgpu'),
};
const rows = comparisonRows(model, variants, measurements);

describe('Pareto front', () => {
  it('keeps the points nothing else beats on both size and latency, by size; untimed points are left out', () => {
    expect(paretoFront([
      { id: 'a', sizeBytes: 10, medianMs: 1 },
      { id: 'b', sizeBytes: 5, medianMs: 2 },
      { id: 'c', sizeBytes: 6, medianMs: 3 },
      { id: 'd', sizeBytes: 5, medianMs: 2 },
      { id: 'e', sizeBytes: 1, medianMs: null },
      { id: 'f', sizeBytes: 20, medianMs: 1 },
    ])).toEqual(['b', 'd', 'a']);
  });

  it("takes a variant's latency only when it was timed comparably with the original, and its lowest output cosine as fidelity", () => {
    const points = paretoPoints(rows);
    expect(points.map((p) => [p.id, p.medianMs, p.fidelity])).toEqual([
      ['orig', 10, 1],
      ['v1', 6, 0.9999],
      ['v2', 8, 0.999999],
      ['v3', 10.5, 0.98],
      ['v4', null, 0.99],
    ]);
    expect(paretoFront(points)).toEqual(['v1']);
  });

  it('colours fidelity from red to green by digits of agreement, grey while not compared', () => {
    const hue = (c: number) => Number(/hsl\((\d+)/.exec(fidelityColor(c))![1]);
    expect(hue(0.5)).toBeLessThan(hue(0.999));
    expect(hue(0.999)).toBeLessThan(hue(0.9999999));
    expect(hue(1)).toBe(130);
    expect(fidelityColor(null)).toMatch(/var\(/);
  });

  it('the chart names its front and the models it cannot place yet', () => {
    render(<ParetoChart points={paretoPoints(rows)} />);
    const figure = screen.getByTestId('pareto-chart');
    expect(figure.getAttribute('data-points')).toBe('4');
    expect(screen.getByTestId('pareto-front').textContent).toBe('int8-weight');
    expect(figure.textContent).toMatch(/Not drawn until timed with the original: int4/);
  });
});

describe('A/B view', () => {
  it('puts any two models side by side with B against A and per-output fidelity', () => {
    const onChange = vi.fn();
    const gzip = gzipSizes('orig', variants);
    render(<AbView rows={rows} outputs={['y']} gzip={gzip} a="v2" b="v1" onChange={onChange} />);
    const cells = (metric: string) => [...screen.getByTestId('ab-table').querySelectorAll(`tr[data-metric="${metric}"] td`)].map((td) => td.textContent);
    expect(cells('size')).toEqual(['2.00 MB', '1.00 MB', '2.00× smaller']);
    expect(cells('gzip')).toEqual(['1.70 MB', '800 KB', '2.13× smaller']);
    expect(cells('latency')[2]).toBe('1.33× faster');
    expect(cells('cosine').slice(0, 2)).toEqual(['0.999999', '0.999900']);
    fireEvent.change(screen.getByLabelText('A'), { target: { value: 'orig' } });
    expect(onChange).toHaveBeenCalledWith('a', 'orig');
  });

  it("the original's fidelity is the reference, an incomparable latency a dash", () => {
    render(<AbView rows={rows} outputs={['y']} gzip={{}} a="orig" b="v4" onChange={() => {}} />);
    const cells = (metric: string) => [...screen.getByTestId('ab-table').querySelectorAll(`tr[data-metric="${metric}"] td`)].map((td) => td.textContent);
    expect(cells('cosine')[0]).toBe('reference');
    expect(cells('latency')).toEqual(['10.0 ms', '–', '–']);
    expect(cells('gzip')).toEqual(['–', '–', '–']);
  });
});

describe('gzip sizes', () => {
  it('come from the recipe totals: the original from a first step, each variant from its last', () => {
    expect(gzipSizes('orig', variants)).toEqual({ orig: 3_000_000, v1: 800_000, v2: 1_700_000, v3: 2_000_000, v4: 600_000 });
    expect(gzipSizes('orig', [])).toEqual({});
  });

  it('the comparison shows them, and says when only the gzipped file is smaller', () => {
    render(<VariantsTable rows={rows} outputs={[]} latencyNote="" onDownload={() => {}} onRemove={() => {}} gzip={gzipSizes('orig', variants)} />);
    const gz = (label: string) => screen.getByTestId('comparison-table').querySelector(`tr[data-variant="${label}"] [data-metric="gzip"]`)!;
    expect(gz('original').textContent).toBe('3.00 MB');
    expect(gz('int8-weight').textContent).toBe('800 KB3.75× smaller');
    expect(gz('prune-unstructured').querySelector('[data-testid="gzip-only"]')!.textContent).toBe('smaller only gzipped');
    expect(screen.getAllByTestId('gzip-only')).toHaveLength(1);
  });

  it('on real runs: unstructured pruning is smaller only gzipped, int8 weights are smaller as a file too', async () => {
    const model = mlp();
    const original = encodeModel(model);
    const run = async (json: unknown) => {
      const { bytes, steps } = await applyRecipe(model, recipeFromJson(json));
      return { file: bytes.byteLength, gzip: steps[steps.length - 1]!.after.gzipBytes, base: { file: original.byteLength, gzip: steps[0]!.before.gzipBytes } };
    };
    const pruned = await run({ steps: [{ method: 'prune-unstructured', options: { sparsity: 0.5 } }] });
    const int8 = await run({ steps: [{ method: 'int8-weight', options: { minElements: 1 } }] });
    console.info(`[gzip] mlp ${pruned.base.file} B (gzip ${pruned.base.gzip}); prune 50%: ${pruned.file} B (gzip ${pruned.gzip}); int8-weight: ${int8.file} B (gzip ${int8.gzip})`);
    expect(smallerOnlyGzipped(pruned, pruned.base)).toBe(true);
    expect(smallerOnlyGzipped(int8, int8.base)).toBe(false);
    expect(smallerOnlyGzipped(pruned.base, pruned.base)).toBe(false);
  });
});

describe('the trade-offs panel in the page', () => {
  it('appears with the first variant, A the original and B the newest, and follows a pick', async () => {
    stubResizeObserver();
    const { store } = fakeStudio();
    render(
      <StoreProvider store={store}>
        <TradeoffsView />
      </StoreProvider>,
    );
    await act(async () => {
      await store.getState().openFiles([onnxFile()]);
    });
    expect(screen.queryByTestId('tradeoffs')).toBeNull();
    await act(async () => {
      await store.getState().compress();
      await settle(50);
    });
    await act(async () => {
      store.getState().setStepMethod(0, 'int4');
      await store.getState().compress();
      await settle(50);
    });
    const labels = store.getState().variants.map((v) => v.label);
    expect((screen.getByLabelText('A') as HTMLSelectElement).selectedOptions[0]!.textContent).toBe('Original');
    expect((screen.getByLabelText('B') as HTMLSelectElement).selectedOptions[0]!.textContent).toBe(labels[1]);
    fireEvent.change(screen.getByLabelText('B'), { target: { value: store.getState().variants[0]!.id } });
    expect(screen.getByTestId('ab-table').querySelector('thead')!.textContent).toContain(`B: ${labels[0]}`);
    expect(screen.getByTestId('pareto-chart').getAttribute('data-points')).toBe('3');
    vi.unstubAllGlobals();
  });
});
