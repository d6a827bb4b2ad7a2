// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { GoalPicker } from '../../src/ui/components/GoalPicker';
import { GOALS, type Goal } from '../../src/core/recipe/goals';
import { createStudioStore } from '../../src/ui/store/studio-store';
import { declarations as methods } from '../../src/core/methods/declarations';
import { fakeRecipeText, fakeServices } from './fakes';

afterEach(cleanup);

const allMethods = methods.map((m) => ({ id: m.id, label: m.label, description: m.description, options: m.options, ...(m.backends && { backends: m.backends }) }));

describe('goals in the studio', () => {
  it('a button per goal, titled with its recipe and reason; a click hands the goal over', () => {
    const picked: Goal[] = [];
    render(<GoalPicker onPick={(g) => picked.push(g)} />);
    for (const g of GOALS) expect(screen.getByRole('button', { name: g.label }).getAttribute('title')).toContain(g.recipe);
    fireEvent.click(screen.getByRole('button', { name: 'Smallest' }));
    expect(picked.map((g) => g.id)).toEqual(['smallest']);
  });

  it('setRecipe replaces the steps and clears the overrides; unknown methods are skipped', () => {
    const store = createStudioStore({ services: fakeServices().services, methods: allMethods, recipeText: fakeRecipeText });
    const s = () => store.getState();
    s().addOverride();
    s().setRecipe([{ methodId: 'int4' }, { methodId: 'no-such' }, { methodId: 'int8-weight', options: { symmetric: true } }]);
    expect(s().recipeSteps.map((st) => [st.methodId, st.options])).toEqual([
      ['int4', {}],
      ['int8-weight', { symmetric: true }],
    ]);
    expect(s().recipeOverrides).toEqual([]);
    s().setRecipe([{ methodId: 'no-such' }]);
    expect(s().recipeSteps).toHaveLength(2);
  });
});
