// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { createStudioStore } from '../../src/ui/store/studio-store';
import { StoreProvider } from '../../src/ui/store/store-context';
import { CompressView } from '../../src/ui/containers/CompressView';
import { fakeMethods, fakeRecipeText, fakeServices, fakeSummary, onnxFile } from './fakes';

afterEach(cleanup);

function studio() {
  const fake = fakeServices();
  const { analyze, compress } = fake.services.models;
  fake.services.models.analyze = async (signal, id) => fakeSummary((await analyze(signal, id)).sizeBytes, { noOps: { 'int8-weight': 'The model is already quantized (4 DequantizeLinear): no MatMul/Gemm/Conv keeps a float32 weight for int8-weight to rewrite.' } });
  fake.services.models.compress = async (...args) => ({ ...(await compress(...args)), unchanged: true });
  const store = createStudioStore({ services: fake.services, methods: fakeMethods, recipeText: fakeRecipeText });
  return { fake, store };
}

describe('no silent no-ops', () => {
  it('a result identical to the original is not a variant: not measured, not offered, and the user is told why', async () => {
    const { fake, store } = studio();
    await store.getState().openFiles([onnxFile('q.onnx')]);
    await store.getState().compress();
    const s = store.getState();
    expect(s.variants).toEqual([]);
    expect(s.compressStatus).toBe('done');
    expect(s.compressNotice).toMatch(/^int8-weight changed nothing in this model: the result is the original, so it was not added as a variant/);
    expect(fake.log.calls.filter((c) => c.startsWith('measureAll'))).toEqual([]);
    expect(fake.services.registry.get('m2')).toBeUndefined();
    expect(fake.services.registry.get(s.model!.id)).toBeDefined();
  });

  it('the compress form says before it runs that the chosen method would change nothing', async () => {
    const { store } = studio();
    await store.getState().openFiles([onnxFile('q.onnx')]);
    render(
      <StoreProvider store={store}>
        <CompressView methods={fakeMethods} describeRecipe={fakeRecipeText} />
      </StoreProvider>,
    );
    expect(screen.getByTestId('no-op-warning').textContent).toMatch(/already quantized \(4 DequantizeLinear\).*Compressing would make no new variant\./);
    await act(async () => store.getState().setStepMethod(0, 'int4'));
    expect(screen.queryByTestId('no-op-warning')).toBeNull();
    await act(async () => store.getState().compress());
    expect(screen.getByTestId('compress-notice').textContent).toMatch(/int4 changed nothing/);
  });
});
