// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { App } from '../../src/ui/containers/App';
import { StoreProvider } from '../../src/ui/store/store-context';
import { createStudioStore } from '../../src/ui/store/studio-store';
import { createMemoryStorage } from '../../src/ui/services/workspace-storage/memory-storage';
import { createWorkspaceRepository } from '../../src/ui/services/workspace-storage/workspace-repository';
import { startWorkspacePersistence } from '../../src/ui/store/workspace-persistence';
import { fakeMethods, fakeRecipeText, fakeServices, onnxFile, stubResizeObserver, type FakeControl } from './fakes';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderApp(control: FakeControl = {}, storage = createMemoryStorage()) {
  stubResizeObserver();
  const fake = fakeServices(control);
  const workspace = createWorkspaceRepository(storage, async () => ({ usage: storage.used(), quota: 1e9 }));
  const store = createStudioStore({ services: { ...fake.services, workspace }, methods: fakeMethods, recipeText: fakeRecipeText });
  const persistence = startWorkspacePersistence(store, fake.registry, workspace, { debounceMs: 1 });
  render(
    <StoreProvider store={store}>
      <App methods={fakeMethods} describeRecipe={fakeRecipeText} sample={{ title: 'Sample', credit: 'MIT' }} />
    </StoreProvider>,
  );
  return { ...fake, store, persistence, storage };
}

const drop = (file: File) =>
  act(async () => {
    fireEvent.drop(window, { dataTransfer: { files: [file], types: ['Files'] } });
  });

describe('one error list', () => {
  it('puts every failed measurement in one list, in words, with the runtime’s text behind Details', async () => {
    const { store } = renderApp({ failMeasure: (id) => id !== 'm1' });
    await drop(onnxFile('net.onnx'));
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Compress with int8-weight' }));
    });
    store.getState().setStepMethod(0, 'int4');
    await act(async () => {
      await store.getState().compress();
    });
    const list = screen.getByTestId('error-list');
    const alerts = within(list).getAllByRole('alert');
    expect(alerts.map((a) => a.dataset.source)).toEqual(store.getState().variants.map((v) => `measure:${v.id}`));
    expect(alerts[0]!.textContent).toContain('onnxruntime-web refused or failed to run int8-weight.');
    const details = alerts[1]!.querySelector('details')!;
    expect(details.open).toBe(false);
    expect(details.textContent).toContain('RuntimeError: Model m3 failed to load.');
    // No banner per variant anywhere else on the page.
    expect(screen.getAllByRole('alert')).toHaveLength(2);
    // A dismissed measurement error leaves the list; the variant's row still shows its failure.
    fireEvent.click(within(alerts[0]!).getByRole('button', { name: 'Dismiss error' }));
    expect(within(screen.getByTestId('error-list')).getAllByRole('alert').map((a) => a.dataset.source)).toEqual([`measure:${store.getState().variants[1]!.id}`]);
  });

  it('a bad file dropped on an open workspace shows its error in the list and the workspace stays', async () => {
    renderApp();
    await drop(onnxFile('net.onnx'));
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Compress with int8-weight' }));
    });
    await drop(new File(['PK\u0003\u0004'], 'weights.onnx'));
    const alert = screen.getByRole('alert');
    expect(alert.dataset.errorName).toBe('ModelFormatError');
    expect(alert.textContent).toMatch(/Not a readable ONNX model.*Opening a model/);
    expect(within(screen.getByTestId('summary')).getByText('net.onnx')).toBeTruthy();
    expect(screen.getByTestId('comparison-table').querySelectorAll('tbody tr')).toHaveLength(2);
    fireEvent.click(within(alert).getByRole('button', { name: 'Dismiss error' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('after a reload an interrupted compression shows with a Rerun button that runs it', async () => {
    const storage = createMemoryStorage();
    const first = renderApp({ holdCompress: true }, storage);
    await drop(onnxFile('net.onnx'));
    await act(async () => {
      void first.store.getState().compress();
      await new Promise((r) => setTimeout(r, 20));
      await first.persistence.flush();
    });
    cleanup();
    const second = renderApp({}, storage);
    await act(async () => {
      await second.persistence.restoreLast();
    });
    const job = screen.getByTestId('interrupted-job');
    expect(job.textContent).toContain('Compressing with int8-weight was still running when the page closed');
    await act(async () => {
      fireEvent.click(within(job).getByRole('button', { name: 'Rerun' }));
    });
    expect(screen.queryByTestId('interrupted-job')).toBeNull();
    expect(second.log.compressCalls).toHaveLength(1);
    expect(screen.getByTestId('comparison-table').querySelectorAll('tbody tr')).toHaveLength(2);
  });

  it('shows what is stored and clears it all after a confirmation', async () => {
    const { store, storage, persistence } = renderApp();
    await drop(onnxFile('net.onnx'));
    await act(async () => {
      await new Promise((r) => setTimeout(r, 20));
      await persistence.flush();
    });
    const panel = screen.getByTestId('storage-panel');
    expect(within(panel).getByTestId('stored-workspaces').textContent).toBe('1');
    expect(within(panel).getByTestId('stored-bytes').textContent).toMatch(/\d+ B/);
    fireEvent.click(within(panel).getByRole('button', { name: 'Clear everything stored…' }));
    await act(async () => {
      fireEvent.click(within(panel).getByRole('button', { name: /^Delete all .* and close the workspace$/ }));
    });
    expect(storage.files.size).toBe(0);
    expect(store.getState().model).toBeNull();
    expect(screen.getByRole('button', { name: 'Try the sample model' })).toBeTruthy();
    expect(within(screen.getByTestId('storage-panel')).getByTestId('stored-workspaces').textContent).toBe('0');
  });
});

describe('error words', () => {
  it('keeps the studio’s own sentences, and puts a runtime’s text behind Details', async () => {
    const { describeError } = await import('../../src/ui/store/error-words');
    expect(describeError({ name: 'Error', message: '2 .onnx files were dropped (a.onnx, b.onnx); expected one model at a time.' })).toEqual({
      title: 'Something went wrong',
      summary: '2 .onnx files were dropped (a.onnx, b.onnx); expected one model at a time.',
      raw: null,
    });
    expect(describeError({ name: 'RangeError', message: 'WebAssembly.Memory(): could not allocate memory: Out of memory' }, 'int4')).toMatchObject({
      title: 'Out of memory',
      summary: expect.stringContaining('ran out of memory on int4'),
      raw: 'RangeError: WebAssembly.Memory(): could not allocate memory: Out of memory',
    });
    expect(describeError({ name: 'TypeError', message: "Cannot read properties of undefined (reading 'dims')" })).toMatchObject({ raw: expect.stringContaining('TypeError') });
  });
});
