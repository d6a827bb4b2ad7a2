// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import * as Comlink from 'comlink';
import { App } from '../../src/ui/containers/App';
import { StoreProvider } from '../../src/ui/store/store-context';
import { createStudioStore } from '../../src/ui/store/studio-store';
import { toMethodInfo } from '../../src/ui/store/studio-state';
import { createModelJobs } from '../../src/ui/services/model-jobs';
import { createWorkerClient } from '../../src/ui/services/worker-client';
import { declarations } from '../../src/core/methods/declarations';
import { recipeToString } from '../../src/core/recipe/format';
import { encodeModel } from '../../src/core/onnx/encode';
import { modelWorkerApi, type RecipeInput } from '../../workers/model-api';
import type { ModelInput } from '../../workers/model-input';
import type { ModelWorkerRemote } from '../../workers/model.worker';
import type { ProgressCallback } from '../../src/core/util/progress';
import { mlp } from '../fixtures/models';
import { channelWorker } from './channel-worker';
import { fakeServices, stubResizeObserver } from './fakes';

vi.mock('../../src/core/methods/declarations', async (importOriginal) => (await import('../fixtures/with-test-method')).declarationsWithTestMethod(importOriginal));
vi.mock('../../src/core/methods/registry', async (importOriginal) => (await import('../fixtures/with-test-method')).registryWithTestMethod(importOriginal));

afterEach(cleanup);

/** The studio as main.tsx builds it, its model jobs going to the real model worker API over a MessageChannel. */
function renderStudio() {
  const fake = fakeServices();
  const worker = {
    analyze: (input: ModelInput) => modelWorkerApi.analyze(input),
    async compress(input: ModelInput, recipe: RecipeInput, onProgress?: ProgressCallback) {
      const result = await modelWorkerApi.compress(input, recipe, onProgress);
      return Comlink.transfer(result, [result.bytes.buffer]);
    },
  };
  const models = createModelJobs(createWorkerClient<ModelWorkerRemote>(channelWorker(worker).spawn), fake.services.registry);
  const methods = declarations.map(toMethodInfo);
  const store = createStudioStore({ services: { ...fake.services, models }, methods, recipeText: recipeToString });
  render(
    <StoreProvider store={store}>
      <App methods={methods} describeRecipe={recipeToString} sample={{ title: 'Sample', credit: 'MIT' }} />
    </StoreProvider>,
  );
  return store;
}

describe('the studio with a method registered by the test', () => {
  it('offers it with its declared form, runs it in the worker and shows its sparsity changes and totals', async () => {
    stubResizeObserver();
    const store = renderStudio();
    await act(async () => {
      fireEvent.drop(window, { dataTransfer: { files: [new File([encodeModel(mlp())], 'mlp.onnx')], types: ['Files'] } });
    });
    await waitFor(() => expect(store.getState().loadStatus).toBe('ready'));
    const step = screen.getByRole('group', { name: 'Step 1' });
    const picker = within(step).getByLabelText('Method') as HTMLSelectElement;
    expect([...picker.options].map((o) => o.value)).toContain('zero-fraction');
    expect([...picker.querySelectorAll('optgroup')].map((g) => g.label)).toEqual(['Quantization', 'Structure', 'Pruning', 'Distillation']);
    fireEvent.change(picker, { target: { value: 'zero-fraction' } });
    expect(within(step).getByText(/pruning ·/)).toBeTruthy();
    fireEvent.change(within(step).getByLabelText('Fraction zeroed'), { target: { value: '0.75' } });
    expect(screen.getByText(/--recipe zero-fraction:fraction=0\.75/)).toBeTruthy();
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Compress with zero-fraction' }));
    });
    await waitFor(() => expect(store.getState().variants).toHaveLength(1));

    const notes = await screen.findByTestId('step-notes');
    expect(notes.dataset.method).toBe('zero-fraction');
    expect(notes.textContent).toMatch(/zero-fraction: 2 tensors rewritten in .* · parameters [\d.]+ k · MACs [\d.]+ k · stored [\d.]+ KB · gzip [\d.]+ KB → [\d.]+ KB/);
    expect(within(notes).getByText(/sparsity 75\.0% over 2 weights; highest/)).toBeTruthy();
    const layers = within(notes).getAllByRole('listitem');
    expect(layers.map((li) => li.dataset.kind)).toEqual(['sparsity', 'sparsity']);
    expect(layers[0]!.textContent).toMatch(/: 75\.0% zeros \(\d+ of \d+\)/);
    vi.unstubAllGlobals();
  });
});
