// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { MethodPicker, byFamily } from '../../src/ui/components/MethodPicker';
import { declarations } from '../../src/core/methods/declarations';
import { toMethodInfo } from '../../src/ui/store/method-info';
import type { MethodInfo } from '../../src/ui/store/studio-state';

afterEach(cleanup);

const FAMILIES = ['quantization', 'pruning', 'distillation', 'structure'];

describe('the method picker groups methods by family', () => {
  it('every registered method sits in the group of its declared family, the four families in order', () => {
    const methods = declarations.map(toMethodInfo);
    render(<MethodPicker id="m" methods={methods} value={methods[0]!.id} onChange={() => {}} />);
    const groups = [...(screen.getByLabelText('Method') as HTMLSelectElement).querySelectorAll('optgroup')];
    const present = FAMILIES.filter((f) => methods.some((m) => m.family === f));
    // Each of the four families has at least one method today (low-rank joins 'structure' beside simplify).
    expect(present).toEqual(FAMILIES);
    expect(groups.map((g) => g.label.toLowerCase())).toEqual(present);
    for (const g of groups) {
      const ids = [...g.querySelectorAll('option')].map((o) => o.value);
      expect(ids.length, g.label).toBeGreaterThan(0);
      for (const id of ids) expect(methods.find((m) => m.id === id)!.family, id).toBe(g.label.toLowerCase());
    }
    const listed = groups.flatMap((g) => [...g.querySelectorAll('option')].map((o) => o.value));
    expect([...listed].sort()).toEqual(methods.map((m) => m.id).sort());
  });

  it('puts an unknown family after the four, and keeps methods in their given order within a family', () => {
    const m = (id: string, family?: string): MethodInfo => ({ id, label: id, description: id, options: [], ...(family && { family: family as MethodInfo['family'] }) });
    const groups = byFamily([m('a', 'structure'), m('b'), m('c', 'quantization'), m('d', 'structure'), m('e', 'pruning')]);
    expect(groups.map(([f, ms]) => [f, ms.map((x) => x.id)])).toEqual([
      ['quantization', ['c']],
      ['pruning', ['e']],
      ['structure', ['a', 'd']],
      ['other', ['b']],
    ]);
  });
});
