// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { SummaryView } from '../../src/ui/containers/SummaryView';
import { StoreProvider } from '../../src/ui/store/store-context';
import { createStudioStore } from '../../src/ui/store/studio-store';
import { macsAtDims } from '../../src/core/analyze/macs-at-dims';
import { analyzeModel } from '../../src/core/analyze/summary';
import { fakeMethods, fakeRecipeText, fakeServices, onnxFile } from './fakes';
import { unpaddedConv5x5 } from '../fixtures/models';

afterEach(cleanup);

/** A 5x5 Conv without padding over an h x w image: an image under 5 pixels high gives it a negative output height. */
const conv = unpaddedConv5x5();

async function summaryPage() {
  const fake = fakeServices();
  fake.services.models.analyze = async () => analyzeModel(conv, 1234);
  fake.services.analysis = { macsAt: async (_signal, ids, dims) => Object.fromEntries(ids.map((id) => [id, macsAtDims(conv, dims)])) };
  const store = createStudioStore({ services: fake.services, methods: fakeMethods, recipeText: fakeRecipeText });
  await store.getState().openFiles([onnxFile('conv.onnx')]);
  const { model: loaded, summary } = store.getState();
  render(
    <StoreProvider store={store}>
      <SummaryView model={loaded!} summary={summary!} />
    </StoreProvider>,
  );
  const macs = () => screen.getByText('MACs').closest('.stat')!;
  return { store, macs };
}

describe('the summary follows the input sizes set', () => {
  it('recounts when a size is set, and says on the page when the sizes do not fit the model', async () => {
    const { store, macs } = await summaryPage();
    expect(macs().getAttribute('title')).toMatch(/symbolic dims taken as h=1, w=1 until measured/);
    act(() => {
      store.getState().setInputDim('h', 9);
      store.getState().setInputDim('w', 8);
    });
    // 4 channels x 5 x 4 outputs x 25 taps.
    expect(await screen.findByText('2000', undefined, { timeout: 3000 })).toBeTruthy();
    expect(macs().getAttribute('title')).toBe('Conv/MatMul/Gemm, counted from shapes at x [1×1×9×8], the sizes set (not measured at them yet)');
    expect(screen.queryByTestId('sizes-notice')).toBeNull();

    act(() => store.getState().setInputDim('h', 2));
    const notice = await screen.findByTestId('sizes-notice', undefined, { timeout: 3000 });
    expect(notice.textContent).toBe(
      'At the input sizes set, 1 layer would get an impossible shape (conv5), so the model cannot run at them; those layers are left out of the MACs.',
    );
    expect(macs().querySelector('dd')!.textContent).toBe('–');
  });
});
