// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { InputSizes, symbolicDims } from '../../src/ui/components/InputSizes';
import { createStudioStore } from '../../src/ui/store/studio-store';
import { fakeMethods, fakeRecipeText, fakeServices, onnxFile } from './fakes';

afterEach(cleanup);

describe('input sizes for symbolic dims', () => {
  it('lists each symbolic dim once and reports typed sizes, empty meaning default', () => {
    expect(symbolicDims([{ shape: ['batch', 3, 'h', 'w'] }, { shape: ['batch', 'seq'] }, { shape: null }, { shape: [null, 4] }])).toEqual(['batch', 'h', 'w', 'seq']);
    const changes: [string, number | null][] = [];
    render(<InputSizes names={['batch', 'seq']} values={{ seq: 128 }} onChange={(n, v) => changes.push([n, v])} />);
    expect((screen.getByLabelText('Size of seq') as HTMLInputElement).value).toBe('128');
    fireEvent.change(screen.getByLabelText('Size of batch'), { target: { value: '4' } });
    fireEvent.change(screen.getByLabelText('Size of seq'), { target: { value: '' } });
    expect(changes).toEqual([
      ['batch', 4],
      ['seq', null],
    ]);
  });

  it('the store keeps valid sizes, passes them to every measurement, and forgets them with the model', async () => {
    const fake = fakeServices();
    const store = createStudioStore({ services: fake.services, methods: fakeMethods, recipeText: fakeRecipeText });
    await store.getState().openFiles([onnxFile('net.onnx')]);
    store.getState().setInputDim('batch', 4);
    store.getState().setInputDim('seq', 0);
    store.getState().setInputDim('h', 2.5);
    expect(store.getState().inputDims).toEqual({ batch: 4 });
    const seen: unknown[] = [];
    const measureAll = fake.services.bench.measureAll;
    fake.services.bench.measureAll = (signal, ids, options) => {
      seen.push(options.dims);
      return measureAll(signal, ids, options);
    };
    await store.getState().remeasureAll();
    expect(seen).toEqual([{ batch: 4 }]);
    store.getState().setInputDim('batch', null);
    expect(store.getState().inputDims).toEqual({});
    store.getState().setInputDim('batch', 2);
    await store.getState().openFiles([onnxFile('other.onnx')]);
    expect(store.getState().inputDims).toEqual({});
  });
});
