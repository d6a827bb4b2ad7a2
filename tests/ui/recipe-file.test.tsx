// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { RecipeImport } from '../../src/ui/components/RecipeImport';
import { OverridesEditor } from '../../src/ui/components/OverridesEditor';
import { createStudioStore } from '../../src/ui/store/studio-store';
import { selectRecipe } from '../../src/ui/store/recipe-slice';
import { parseRecipeFile, recipeFileName, recipeFileText } from '../../src/ui/store/recipe-file';
import { recipeFromJson } from '../../src/core/recipe/json';
import { RecipeError } from '../../src/core/util/errors';
import { declarations } from '../../src/core/methods/declarations';
import { toMethodInfo } from '../../src/ui/store/method-info';
import { fakeMethods, fakeRecipeText, fakeServices } from './fakes';

afterEach(cleanup);

// The real declarations: a file's options are checked against them.
const methods = declarations.map(toMethodInfo);
const newStore = () => createStudioStore({ services: fakeServices().services, methods, recipeText: fakeRecipeText });

describe('recipe files', () => {
  it("are the core's versioned JSON with every option filled in, and read back to the editor's recipe", () => {
    const store = newStore();
    const s = () => store.getState();
    s().setStepMethod(0, 'int4');
    s().setStepOption(0, 'block', 64);
    s().addStep();
    s().overrideNodes('head', 'float');
    s().overrideNodes('/^conv_\\d+$/', 'int8-weight');
    const text = recipeFileText(selectRecipe(s()));
    const json = JSON.parse(text);
    expect(json.version).toBe(1);
    expect(json.steps[0]).toEqual({ method: 'int4', options: expect.objectContaining({ block: 64, symmetric: expect.any(Boolean) }) });
    expect(recipeFromJson(json)).toEqual(recipeFromJson(selectRecipe(s())));

    const other = newStore();
    other.getState().importRecipe(text);
    // Only the options that differ from the defaults come back into the editor.
    expect(other.getState().recipeSteps.map((st) => [st.methodId, st.options])).toEqual([
      ['int4', { block: 64 }],
      [s().recipeSteps[1]!.methodId, {}],
    ]);
    expect(recipeFromJson(selectRecipe(other.getState()))).toEqual(recipeFromJson(selectRecipe(s())));
    expect(selectRecipe(other.getState()).overrides).toEqual([
      { nodes: 'head', method: 'float' },
      { nodes: '/^conv_\\d+$/', method: 'int8-weight' },
    ]);
  });

  it("keep an override's own options, and drop them when its method changes", () => {
    const store = newStore();
    store.getState().importRecipe(JSON.stringify({ steps: [{ method: 'int8-weight' }], overrides: [{ nodes: 'fc', method: 'int4', options: { block: 16 } }] }));
    expect(selectRecipe(store.getState()).overrides).toEqual([{ nodes: 'fc', method: 'int4', options: { block: 16 } }]);
    render(<OverridesEditor overrides={store.getState().recipeOverrides} methods={methods} onAdd={() => {}} onChange={() => {}} onRemove={() => {}} />);
    expect(screen.getByTestId('override-options').textContent).toBe('block=16');
    store.getState().setOverride(0, { method: 'int8-dynamic' });
    expect(selectRecipe(store.getState()).overrides).toEqual([{ nodes: 'fc', method: 'int8-dynamic' }]);
  });

  it('a file that is not a usable recipe is a RecipeError that says why, and the editor keeps its recipe', () => {
    const store = newStore();
    store.getState().setStepMethod(0, 'int4');
    const before = selectRecipe(store.getState());
    const cases: [string, RegExp][] = [
      ['{"steps": [', /does not parse/],
      ['[1, 2]', /must be an object/],
      ['{"version": 99, "steps": [{"method": "int4"}]}', /newer|version/i],
      ['{"steps": [{"method": "int4", "options": {"block": 7}}]}', /block/],
      // A real method this studio's store does not offer.
    ];
    for (const [text, message] of cases) {
      expect(() => store.getState().importRecipe(text), text).toThrow(RecipeError);
      expect(() => parseRecipeFile(text, methods)).toThrow(message);
    }
    // A real method this studio does not offer.
    expect(() => parseRecipeFile('{"steps": [{"method": "fp16"}]}', fakeMethods)).toThrow(/this studio has no method 'fp16'/);
    expect(selectRecipe(store.getState())).toEqual(before);
  });

  it('are named after the variant file', () => {
    expect(recipeFileName('mlp.int8.onnx')).toBe('mlp.int8.recipe.json');
    expect(recipeFileName('.onnx')).toBe('model.recipe.json');
  });
});

describe('RecipeImport', () => {
  it('reads the chosen file into the editor, says so, and shows the error of a bad one', async () => {
    const onImport = vi.fn((text: string) => {
      if (text.includes('bad')) throw new RecipeError('recipe.steps is empty; expected at least one step.');
    });
    const onExport = vi.fn();
    render(<RecipeImport onImport={onImport} onExport={onExport} />);
    const input = screen.getByTestId('recipe-import-input');
    fireEvent.change(input, { target: { files: [new File(['{"steps":[{"method":"int4"}]}'], 'mine.recipe.json')] } });
    await waitFor(() => expect(screen.getByTestId('recipe-imported').textContent).toMatch(/mine\.recipe\.json/));
    expect(onImport).toHaveBeenCalledWith('{"steps":[{"method":"int4"}]}');
    fireEvent.change(input, { target: { files: [new File(['bad'], 'bad.json')] } });
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/expected at least one step/));
    expect(screen.queryByTestId('recipe-imported')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Export recipe' }));
    expect(onExport).toHaveBeenCalled();
  });

  it('an export that fails (an override with a broken /regex/) is shown, not thrown', () => {
    const onExport = () => {
      throw new RecipeError("recipe.overrides[0].nodes: '/(/' is not a valid regular expression.");
    };
    render(<RecipeImport onImport={() => {}} onExport={onExport} />);
    fireEvent.click(screen.getByRole('button', { name: 'Export recipe' }));
    expect(screen.getByRole('alert').textContent).toMatch(/not a valid regular expression/);
  });
});
