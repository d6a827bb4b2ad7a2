import { describe, expect, it } from 'vitest';
import { stepFileTag, uniqueVariantFileName } from '../../src/ui/store/variant-file-name';
import { createStudioStore } from '../../src/ui/store/studio-store';
import { fakeMethods, fakeRecipeText, fakeServices, onnxFile } from './fakes';

const ids = ['int8-weight', 'int8-dynamic', 'int4', 'fp16', 'fp16-weight', 'prune-channels'];

describe('variant file names', () => {
  it('say the recipe: fp16 and fp16-weight differ, options that differ from the defaults are in the name', () => {
    expect(stepFileTag('fp16', ids)).toBe('fp16');
    expect(stepFileTag('fp16-weight', ids)).toBe('fp16-weight');
    expect(stepFileTag('int8-weight', ids)).toBe('int8');
    expect(stepFileTag('int4:block=32,symmetric=false', ids)).toBe('int4_block-32_symmetric-false');
    expect(stepFileTag('prune-channels:ratio=0.3,excludeNodes=/head.*/', ids)).toBe('prune-channels_ratio-0.3_excludeNodes-head.-');
    expect(uniqueVariantFileName('m.onnx', ['fp16'], ids, [])).toBe('m.fp16.onnx');
    expect(uniqueVariantFileName('m.onnx', ['fp16-weight'], ids, ['m.fp16.onnx'])).toBe('m.fp16-weight.onnx');
    expect(uniqueVariantFileName('m.onnx', ['int8-weight', 'int4'], ids, [])).toBe('m.int8+int4.onnx');
  });

  it('are unique among the variants: a repeated recipe gets .2, .3', () => {
    expect(uniqueVariantFileName('m.onnx', ['int4'], ids, ['m.int4.onnx'])).toBe('m.int4.2.onnx');
    expect(uniqueVariantFileName('m.onnx', ['int4'], ids, ['m.int4.onnx', 'M.INT4.2.onnx'])).toBe('m.int4.3.onnx');
  });

  it('the store names every variant uniquely after its recipe', async () => {
    const fake = fakeServices();
    const store = createStudioStore({ services: fake.services, methods: fakeMethods, recipeText: fakeRecipeText });
    await store.getState().openFiles([onnxFile('net.onnx')]);
    await store.getState().compress();
    await store.getState().compress();
    store.getState().setStepMethod(0, 'int4');
    store.getState().setStepOption(0, 'block', 64);
    await store.getState().compress();
    expect(store.getState().variants.map((v) => v.fileName)).toEqual(['net.int8.onnx', 'net.int8.2.onnx', 'net.int4_block-64.onnx']);
    expect(fake.log.compressCalls.map((c) => c.name)).toEqual(['net.int8.onnx', 'net.int8.2.onnx', 'net.int4_block-64.onnx']);
  });
});
