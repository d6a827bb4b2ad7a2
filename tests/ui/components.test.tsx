// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { RecipeForm } from '../../src/ui/components/RecipeForm';
import { VariantsTable } from '../../src/ui/components/VariantsTable';
import { MethodPicker } from '../../src/ui/components/MethodPicker';
import { percentTicks } from '../../src/ui/components/ComparisonChart';
import { cosineDomain, cosineTicks } from '../../src/ui/components/CosineChart';
import type { ComparisonRow } from '../../src/ui/store/comparison-rows';
import { App } from '../../src/ui/containers/App';
import { StoreProvider } from '../../src/ui/store/store-context';
import { createStudioStore } from '../../src/ui/store/studio-store';
import { fakeMethods, fakeRecipeText, fakeServices, onnxFile, stubResizeObserver } from './fakes';

afterEach(cleanup);

describe('RecipeForm', () => {
  it('renders a control per declared option and reports changes by key', () => {
    const onChange = vi.fn();
    render(
      <RecipeForm
        idPrefix="s1"
        fields={[
          ...fakeMethods[0]!.options,
          { kind: 'enum', key: 'mode', label: 'Mode', default: 'a', choices: ['a', 'b'] },
          { kind: 'string-list', key: 'ops', label: 'Operators', default: ['MatMul'], choices: ['MatMul', 'Conv'] },
        ]}
        values={{ minElements: 64 }}
        onChange={onChange}
      />,
    );
    const perChannel = screen.getByLabelText('Per output channel') as HTMLInputElement;
    expect(perChannel.checked).toBe(true);
    expect(perChannel.id).toBe('s1-perChannel');
    expect((screen.getByLabelText('Minimum weight size') as HTMLInputElement).value).toBe('64');
    fireEvent.click(perChannel);
    expect(onChange).toHaveBeenLastCalledWith('perChannel', false);
    fireEvent.change(screen.getByLabelText('Mode'), { target: { value: 'b' } });
    expect(onChange).toHaveBeenLastCalledWith('mode', 'b');
    fireEvent.click(screen.getByLabelText('Conv'));
    expect(onChange).toHaveBeenLastCalledWith('ops', ['MatMul', 'Conv']);
  });
});

describe('MethodPicker', () => {
  it('lists every method by label, describes the chosen one, and marks a CPU-only method', () => {
    const onChange = vi.fn();
    const { rerender } = render(<MethodPicker id="m" methods={fakeMethods} value="int8-weight" onChange={onChange} />);
    const select = screen.getByLabelText('Method') as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(['int8-weight', 'int4', 'int8-dynamic']);
    expect(select.options[1]!.textContent).toBe('int4 blocks (int4)');
    expect(screen.getByText(/Weights as int8/)).toBeTruthy();
    expect(screen.queryByTestId('cpu-only')).toBeNull();
    fireEvent.change(select, { target: { value: 'int8-dynamic' } });
    expect(onChange).toHaveBeenLastCalledWith('int8-dynamic');
    rerender(<MethodPicker id="m" methods={fakeMethods} value="int8-dynamic" onChange={onChange} />);
    expect(screen.getByTestId('cpu-only').textContent).toBe('CPU only, falls back off WebGPU');
  });
});

function row(overrides: Partial<ComparisonRow>): ComparisonRow {
  return {
    id: 'm1',
    label: 'Original',
    isOriginal: true,
    fileName: null,
    cpuOnly: false,
    sizeBytes: 4_000_000,
    sizeRatio: 1,
    status: 'done',
    backend: 'wasm',
    threads: 1,
    medianMs: 10,
    sessionMs: 50,
    speedup: null,
    speedInterval: null,
    speedVerdict: null,
    sessionSpeedup: null,
    fidelity: null,
    error: null,
    round: 1,
    loadCheck: 'ok',
    limit: null,
    ...overrides,
  };
}

describe('VariantsTable', () => {
  it('shows a row\'s share of the device limit under its latency, with the bound in the title', () => {
    render(<VariantsTable rows={[row({ limit: { percent: 12.2, boundMs: 1.25, limitedBy: 'compute', complete: false } })]} outputs={[]} latencyNote="" onDownload={() => {}} onRemove={() => {}} />);
    const note = screen.getByText('12% of device limit');
    expect(note.getAttribute('title')).toMatch(/No run can beat 1\.25 ms here: the model's MACs at the probed GFLOP\/s \(some shapes were unknown/);
    cleanup();
  });

  const rows: ComparisonRow[] = [
    row({}),
    row({
      id: 'm2',
      label: 'int8-weight',
      isOriginal: false,
      fileName: 'net.int8.onnx',
      sizeBytes: 1_000_000,
      sizeRatio: 0.25,
      medianMs: 8,
      sessionMs: 40,
      speedup: 1.25,
      sessionSpeedup: 1.25,
      fidelity: [{ name: 'logits', cosine: 0.99987, maxAbs: 0.0123 }],
    }),
    row({
      id: 'm3',
      label: 'int8-dynamic',
      isOriginal: false,
      fileName: 'net.int8-dynamic.onnx',
      cpuOnly: true,
      sizeBytes: 1_100_000,
      sizeRatio: 0.275,
      medianMs: 13,
      speedup: 10 / 13,
      fidelity: [{ name: 'logits', cosine: 0.9961, maxAbs: 0.2 }],
    }),
    row({ id: 'm4', label: 'int4', isOriginal: false, fileName: 'net.int4.onnx', sizeBytes: 600_000, sizeRatio: 0.15, status: 'running', medianMs: null, sessionMs: null, loadCheck: null }),
  ];

  it('shows the original and every variant side by side, slower ones as slower', () => {
    render(<VariantsTable rows={rows} outputs={['logits']} latencyNote="WASM, 1 thread, 10 runs" onDownload={() => {}} onRemove={() => {}} />);
    const table = screen.getByTestId('comparison-table');
    const line = (label: string) => table.querySelector(`tr[data-variant="${label}"]`) as HTMLElement;
    expect(line('original').querySelector('[data-metric="size"]')!.textContent).toBe('4.00 MB');
    expect(line('int8-weight').querySelector('[data-metric="size-ratio"]')!.textContent).toBe('25.0%4.00× smaller');
    expect(line('int8-weight').querySelector('[data-metric="speed"]')!.textContent).toBe('1.25× faster');
    const slower = line('int8-dynamic').querySelector('[data-metric="speed"]')!;
    expect(slower.textContent).toBe('1.30× slower');
    expect(slower.className).toContain('bad');
    expect(within(line('int8-dynamic')).getByTestId('cpu-only')).toBeTruthy();
    expect(within(line('int8-weight')).queryByTestId('cpu-only')).toBeNull();
    expect(within(line('int8-weight')).getByTestId('cosine').textContent).toBe('0.99987');
    expect(within(line('int8-weight')).getByTestId('max-abs').textContent).toBe('0.0123');
    expect(screen.getAllByTestId('cosine').map((c) => c.textContent)).toEqual(['0.99987', '0.99610']);
    // Being measured: placeholders, not zeros.
    expect(line('int4').querySelector('[data-metric="latency"]')!.textContent).toBe('…');
    expect(line('int4').textContent).toContain('measuring');
  });

  it('offers download and removal per variant, not for the original', () => {
    const onDownload = vi.fn();
    const onRemove = vi.fn();
    render(<VariantsTable rows={rows} outputs={['logits']} latencyNote="" onDownload={onDownload} onRemove={onRemove} />);
    expect(screen.getAllByRole('button', { name: /^Download / })).toHaveLength(3);
    fireEvent.click(screen.getByRole('button', { name: 'Download net.int8.onnx' }));
    expect(onDownload).toHaveBeenCalledWith('m2');
    fireEvent.click(screen.getByRole('button', { name: 'Remove int8-dynamic' }));
    expect(onRemove).toHaveBeenCalledWith('m3');
  });
});

describe('VariantsTable downloads', () => {
  it('offers every variant whether or not it was measured, and warns when onnxruntime-web refused it', () => {
    const onDownload = vi.fn();
    const rows = [
      row({}),
      row({ id: 'a', label: 'pending', isOriginal: false, fileName: 'net.a.onnx', status: 'running', loadCheck: null }),
      row({ id: 'b', label: 'rejected', isOriginal: false, fileName: 'net.b.onnx', status: 'error', loadCheck: { name: 'RuntimeError', message: 'no kernel for X' } }),
      row({ id: 'c', label: 'loaded', isOriginal: false, fileName: 'net.c.onnx' }),
    ];
    render(<VariantsTable rows={rows} outputs={[]} latencyNote="" onDownload={onDownload} onRemove={() => {}} />);
    const pending = screen.getByRole('button', { name: 'Download net.a.onnx' }) as HTMLButtonElement;
    const rejected = screen.getByRole('button', { name: 'Download net.b.onnx' }) as HTMLButtonElement;
    expect(pending.disabled).toBe(false);
    expect(rejected.disabled).toBe(false);
    expect(rejected.title).toMatch(/could not load this model here \(no kernel for X\)/);
    fireEvent.click(pending);
    fireEvent.click(screen.getByRole('button', { name: 'Download net.c.onnx' }));
    expect(onDownload.mock.calls).toEqual([['a'], ['c']]);
  });

  it('calls a ratio whose interval contains 1 "same speed" in a neutral colour, with the interval beside each ratio', () => {
    const interval = (ratio: number, low: number, high: number) => ({ ratio, low, high, level: 0.95, resamples: 2000, paired: true });
    const rows = [
      row({}),
      row({ id: 'n', label: 'noop', isOriginal: false, fileName: 'net.n.onnx', speedup: 1.92, speedInterval: interval(1.92, 0.7, 2.4), speedVerdict: 'same' }),
      row({ id: 'f', label: 'fast', isOriginal: false, fileName: 'net.f.onnx', speedup: 1.5, speedInterval: interval(1.5, 1.4, 1.6), speedVerdict: 'faster' }),
      row({ id: 's', label: 'slow', isOriginal: false, fileName: 'net.s.onnx', speedup: 0.8, speedInterval: interval(0.8, 0.75, 0.85), speedVerdict: 'slower' }),
    ];
    render(<VariantsTable rows={rows} outputs={[]} latencyNote="" onDownload={() => {}} onRemove={() => {}} />);
    const cell = (label: string) => screen.getByTestId('comparison-table').querySelector(`tr[data-variant="${label}"] [data-metric="speed"]`) as HTMLElement;
    expect(cell('noop').textContent).toBe('same speed1.92×, 0.70×–2.40×');
    expect(cell('noop').className).toBe('num same');
    expect(cell('fast').textContent).toBe('1.50× faster1.40×–1.60×');
    expect(cell('fast').className).toContain('good');
    expect(cell('slow').textContent).toBe('1.25× slower0.75×–0.85×');
    expect(cell('slow').className).toContain('bad');
  });
});

describe('App', () => {
  function renderApp() {
    const fake = fakeServices();
    const store = createStudioStore({ services: fake.services, methods: fakeMethods, recipeText: fakeRecipeText });
    render(
      <StoreProvider store={store}>
        <App methods={fakeMethods} describeRecipe={fakeRecipeText} sample={{ title: 'Sample', credit: 'MIT' }} />
      </StoreProvider>,
    );
    return { ...fake, store };
  }

  it('shows a bad file’s typed error and then a good file’s summary', async () => {
    stubResizeObserver();
    renderApp();
    const input = screen.getByTestId('file-input');
    await act(async () => {
      fireEvent.change(input, { target: { files: [new File(['PK\u0003\u0004'], 'weights.pt')] } });
    });
    const alert = screen.getByRole('alert');
    expect(alert.dataset.errorName).toBe('ModelFormatError');
    expect(alert.textContent).toContain('Not a readable ONNX model');

    await act(async () => {
      fireEvent.drop(window, { dataTransfer: { files: [onnxFile('mlp.onnx')], types: ['Files'] } });
    });
    expect(screen.queryByRole('alert')).toBeNull();
    const summary = screen.getByTestId('summary');
    expect(within(summary).getByText('mlp.onnx')).toBeTruthy();
    expect(within(screen.getByTestId('layers-table')).getByText('w1')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Compress with int8-weight' })).toBeTruthy();
    vi.unstubAllGlobals();
  });

  it('shows why a dropped folder could not be walked instead of dropping it silently', async () => {
    stubResizeObserver();
    renderApp();
    const folder = {
      isFile: false,
      isDirectory: true,
      name: 'set',
      createReader: () => ({ readEntries: (_ok: unknown, fail: (e: unknown) => void) => fail(new DOMException('A requested file or directory could not be found.', 'NotFoundError')) }),
    };
    await act(async () => {
      fireEvent.drop(window, { dataTransfer: { items: [{ kind: 'file', webkitGetAsEntry: () => folder }], files: [], types: ['Files'] } });
    });
    const alert = screen.getByRole('alert');
    expect(alert.dataset.errorName).toBe('DropReadError');
    expect(alert.textContent).toContain("'set' could not be read (A requested file or directory could not be found.)");
  });

  it('builds a two-step recipe, makes two variants and compares them with the original', async () => {
    stubResizeObserver();
    const { log } = renderApp();
    await act(async () => {
      fireEvent.drop(window, { dataTransfer: { files: [onnxFile('mlp.onnx')], types: ['Files'] } });
    });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Compress with int8-weight' }));
    });
    fireEvent.click(screen.getByRole('button', { name: '+ Add step' }));
    expect(screen.getAllByTestId('recipe-step')).toHaveLength(2);
    const second = screen.getByRole('group', { name: 'Step 2' });
    expect((within(second).getByLabelText('Method') as HTMLSelectElement).value).toBe('int4');
    fireEvent.change(within(second).getByLabelText('Block size'), { target: { value: '64' } });
    expect(screen.getByText(/--recipe int8-weight\+int4:block=64/)).toBeTruthy();
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Compress with 2 steps' }));
    });
    expect(log.compressCalls.map((c) => c.name)).toEqual(['mlp.int8.onnx', 'mlp.int8+int4_block-64.onnx']);
    const comparison = screen.getByTestId('comparison');
    expect(within(comparison).getByRole('heading').textContent).toBe('Original vs 2 variants');
    const labels = [...comparison.querySelectorAll('tbody tr')].map((tr) => tr.getAttribute('data-variant'));
    expect(labels).toEqual(['original', 'int8-weight', 'int8-weight + int4 (block 64)']);
    expect(within(comparison).getAllByTestId('cosine')).toHaveLength(2);
    expect(within(comparison).getByText(/w2 stays float/)).toBeTruthy();

    await act(async () => {
      fireEvent.click(within(comparison).getByRole('button', { name: 'Remove int8-weight' }));
    });
    expect(within(comparison).getByRole('heading').textContent).toBe('Original vs 1 variant');
    vi.unstubAllGlobals();
  });
});

describe('chart scales', () => {
  it('gives round percent ticks that cover the largest bar', () => {
    expect(percentTicks(100)).toEqual([0, 25, 50, 75, 100]);
    expect(percentTicks(246)).toEqual([0, 50, 100, 150, 200, 250]);
    expect(percentTicks(1234)).toEqual([0, 250, 500, 750, 1000, 1250]);
  });

  it('zooms the cosine axis to the worst gap to 1', () => {
    expect(cosineDomain([0.99987, 0.9961])).toEqual([0.99, 1]);
    expect(cosineDomain([0.99995])).toEqual([0.9999, 1]);
    // The worst bar never sits on the axis floor.
    expect(cosineDomain([0.9999])).toEqual([0.999, 1]);
    expect(cosineDomain([0.99])).toEqual([0.9, 1]);
    expect(cosineDomain([1, 1])).toEqual([0.99999, 1]);
    expect(cosineDomain([0.5])).toEqual([0.4, 1]);
    expect(cosineDomain([0.55])).toEqual([0.5, 1]);
    expect(cosineDomain([-0.35])).toEqual([-0.4, 1]);
    expect(cosineDomain([-1])).toEqual([-1, 1]);
    expect(cosineDomain([])).toEqual([0.99999, 1]);
  });

  it('puts cosine ticks at round values with enough digits to tell them apart', () => {
    expect(cosineTicks([0.999, 1])).toEqual({ ticks: [0.999, 0.9992, 0.9994, 0.9996, 0.9998, 1], digits: 4 });
    expect(cosineTicks([0.99999, 1]).ticks).toEqual([0.99999, 0.999992, 0.999994, 0.999996, 0.999998, 1]);
    expect(cosineTicks([0.4, 1])).toEqual({ ticks: [0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1], digits: 1 });
    expect(cosineTicks([-1, 1]).ticks).toEqual([-1, -0.5, 0, 0.5, 1]);
  });
});
