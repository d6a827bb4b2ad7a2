// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { RecipeForm } from '../../src/ui/components/RecipeForm';
import { ComparisonTable } from '../../src/ui/components/ComparisonTable';
import { percentTicks } from '../../src/ui/components/ComparisonChart';
import { App } from '../../src/ui/containers/App';
import { StoreProvider } from '../../src/ui/store/store-context';
import { createStudioStore } from '../../src/ui/store/studio-store';
import { fakeMethods, fakeServices, onnxFile } from './fakes';

afterEach(cleanup);

describe('RecipeForm', () => {
  it('renders a control per declared option and reports changes by key', () => {
    const onChange = vi.fn();
    render(
      <RecipeForm
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
    expect((screen.getByLabelText('Minimum weight size') as HTMLInputElement).value).toBe('64');
    fireEvent.click(perChannel);
    expect(onChange).toHaveBeenLastCalledWith('perChannel', false);
    fireEvent.change(screen.getByLabelText('Mode'), { target: { value: 'b' } });
    expect(onChange).toHaveBeenLastCalledWith('mode', 'b');
    fireEvent.click(screen.getByLabelText('Conv'));
    expect(onChange).toHaveBeenLastCalledWith('ops', ['MatMul', 'Conv']);
  });
});

describe('ComparisonTable', () => {
  it('shows sizes, latency and fidelity side by side', () => {
    render(
      <ComparisonTable
        original={{ label: 'Original', sizeBytes: 4_000_000, medianMs: 10, sessionMs: 50 }}
        variant={{ label: 'int8', sizeBytes: 1_000_000, medianMs: 8, sessionMs: 40 }}
        fidelity={[{ name: 'logits', cosine: 0.99987, maxAbs: 0.0123 }]}
        latencyNote="WASM, 1 thread"
      />,
    );
    const table = screen.getByTestId('comparison-table');
    const size = within(table).getByText('File size').closest('tr')!;
    expect(size.textContent).toContain('4.00 MB');
    expect(size.textContent).toContain('1.00 MB');
    expect(size.textContent).toContain('4.00× smaller');
    expect(within(table).getByText('Median latency').closest('tr')!.textContent).toContain('1.25× faster');
    expect(screen.getByTestId('cosine').textContent).toBe('0.99987');
    expect(screen.getByTestId('max-abs').textContent).toBe('0.0123');
  });
});

describe('App', () => {
  it('shows a bad file’s typed error and then a good file’s summary', async () => {
    vi.stubGlobal(
      'ResizeObserver',
      class {
        observe() {}
        unobserve() {}
        disconnect() {}
      },
    );
    const { services } = fakeServices();
    const store = createStudioStore({ services, methods: fakeMethods });
    render(
      <StoreProvider store={store}>
        <App methods={fakeMethods} sample={{ title: 'Sample', credit: 'MIT' }} />
      </StoreProvider>,
    );
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
    expect(screen.getByRole('button', { name: 'Quantize to int8' })).toBeTruthy();
    vi.unstubAllGlobals();
  });
});

describe('percentTicks', () => {
  it('gives round ticks that cover the largest bar', () => {
    expect(percentTicks(100)).toEqual([0, 25, 50, 75, 100]);
    expect(percentTicks(246)).toEqual([0, 50, 100, 150, 200, 250]);
    expect(percentTicks(1234)).toEqual([0, 250, 500, 750, 1000, 1250]);
  });
});
