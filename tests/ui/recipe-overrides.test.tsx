// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { OverridesEditor } from '../../src/ui/components/OverridesEditor';
import { OptionInput } from '../../src/ui/components/OptionInput';
import { selectRecipe } from '../../src/ui/store/recipe-slice';
import { draftToRecipe } from '../../src/ui/store/recipe';
import { createStudioStore } from '../../src/ui/store/studio-store';
import { recipeFromJson } from '../../src/core/recipe/json';
import { fakeMethods, fakeRecipeText, fakeServices } from './fakes';

afterEach(cleanup);

describe('per-layer overrides in the studio', () => {
  it('the store edits overrides and exports them in the recipe JSON (rows without a pattern left out)', () => {
    const store = createStudioStore({ services: fakeServices().services, methods: fakeMethods, recipeText: fakeRecipeText });
    const s = () => store.getState();
    expect(selectRecipe(s())).not.toHaveProperty('overrides');
    s().addOverride();
    s().addOverride();
    s().setOverride(0, { nodes: 'conv_1*' });
    s().setOverride(1, { nodes: ' head ', method: fakeMethods[0]!.id });
    s().setOverride(1, { method: 'no-such-method' });
    expect(selectRecipe(s()).overrides).toEqual([
      { nodes: 'conv_1*', method: 'float' },
      { nodes: 'head', method: fakeMethods[0]!.id },
    ]);
    s().addOverride();
    expect(selectRecipe(s()).overrides).toHaveLength(2);
    s().removeOverride(0);
    expect(selectRecipe(s()).overrides).toEqual([{ nodes: 'head', method: fakeMethods[0]!.id }]);
  });

  it('the exported JSON is a recipe the core reads', () => {
    const json = draftToRecipe([{ key: 's', methodId: 'int8-weight', options: {} }], [{ key: 'o', nodes: '/^fc\\d$/', method: 'int4' }]);
    expect(recipeFromJson(JSON.parse(JSON.stringify(json))).overrides).toEqual([{ nodes: '/^fc\\d$/', method: 'int4', options: expect.objectContaining({ block: 32 }) }]);
  });

  it('OverridesEditor: a row per override with pattern and method (float first), add and remove', () => {
    const onChange = vi.fn();
    const onAdd = vi.fn();
    const onRemove = vi.fn();
    render(
      <OverridesEditor
        overrides={[{ key: 'o1', nodes: 'head', method: 'float' }]}
        methods={fakeMethods}
        onAdd={onAdd}
        onChange={onChange}
        onRemove={onRemove}
      />,
    );
    fireEvent.change(screen.getByLabelText('Nodes of override 1'), { target: { value: 'conv_*' } });
    expect(onChange).toHaveBeenLastCalledWith(0, { nodes: 'conv_*' });
    const select = screen.getByLabelText('Method of override 1') as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(['float', ...fakeMethods.map((m) => m.id)]);
    fireEvent.change(select, { target: { value: fakeMethods[0]!.id } });
    expect(onChange).toHaveBeenLastCalledWith(0, { method: fakeMethods[0]!.id });
    fireEvent.click(screen.getByRole('button', { name: 'Remove override 1' }));
    expect(onRemove).toHaveBeenCalledWith(0);
    fireEvent.click(screen.getByRole('button', { name: '+ Add override' }));
    expect(onAdd).toHaveBeenCalled();
  });

  it('a node-list option keeps a typed comma and does not split inside a /regex/', () => {
    const onChange = vi.fn();
    const field = { kind: 'string-list' as const, key: 'excludeNodes', label: 'Exclude nodes', default: [], patterns: true };
    const { rerender } = render(<OptionInput id="x" field={field} value={[]} onChange={onChange} />);
    const input = screen.getByLabelText('Exclude nodes') as HTMLInputElement;
    fireEvent.change(input, { target: { value: 'a,' } });
    expect(onChange).toHaveBeenLastCalledWith(['a']);
    rerender(<OptionInput id="x" field={field} value={['a']} onChange={onChange} />);
    expect(input.value).toBe('a,');
    fireEvent.change(input, { target: { value: 'a, /x{1,2}/' } });
    expect(onChange).toHaveBeenLastCalledWith(['a', '/x{1,2}/']);
  });
});
