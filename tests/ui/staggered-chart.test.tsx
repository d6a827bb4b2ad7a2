// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { StaggeredChart } from '../../src/ui/components/StaggeredChart';

afterEach(cleanup);

/** Lets the mount queue's next turn (a 0 ms timer) and React's transition work run. */
const turn = () => act(() => new Promise<void>((r) => setTimeout(r, 5)));

/** Records, per chart, the tasks in which it rendered: one task = one macrotask turn. */
let task = 0;
const renders: { id: string; value: number; task: number }[] = [];

function Chart({ id, value }: { id: string; value: number }) {
  return (
    <StaggeredChart
      props={{ value }}
      height={100}
      render={(p) => {
        renders.push({ id, value: p.value, task });
        return <span data-testid={id}>{p.value}</span>;
      }}
    />
  );
}

function Page({ a, b }: { a: number; b: number }) {
  return (
    <>
      <Chart id="a" value={a} />
      <Chart id="b" value={b} />
    </>
  );
}

describe('staggered charts', () => {
  it('mount one at a time, each in a later task than the render that brought them, and redraw only when their data changes', async () => {
    renders.length = 0;
    const { rerender, container } = render(<Page a={1} b={2} />);
    // Nothing drawn in the task that brought them: placeholders of the chart's height instead.
    expect(screen.queryByTestId('a')).toBeNull();
    expect(container.querySelectorAll('.chart-pending')).toHaveLength(2);
    expect((container.querySelector('.chart-pending') as HTMLElement).style.height).toBe('100px');
    for (let i = 0; i < 6 && screen.queryByTestId('b') === null; i++) {
      task++;
      await turn();
    }
    expect(screen.getByTestId('a').textContent).toBe('1');
    expect(screen.getByTestId('b').textContent).toBe('2');
    const firstA = renders.find((r) => r.id === 'a')!;
    const firstB = renders.find((r) => r.id === 'b')!;
    expect(firstB.task).toBeGreaterThan(firstA.task);

    // The same data again: no chart is drawn again. New data for one: only that one, in a later turn.
    const before = renders.length;
    rerender(<Page a={1} b={2} />);
    for (let i = 0; i < 3; i++) await turn();
    expect(renders.length).toBe(before);
    rerender(<Page a={1} b={5} />);
    expect(screen.getByTestId('b').textContent).toBe('2');
    for (let i = 0; i < 3; i++) await turn();
    expect(screen.getByTestId('b').textContent).toBe('5');
    expect(renders.slice(before).map((r) => r.id)).toEqual(['b']);
  });

  it('a chart removed while it waits does not hold the queue for the ones after it', async () => {
    const { rerender } = render(
      <>
        <Chart id="gone" value={1} />
        <Chart id="kept" value={2} />
      </>,
    );
    rerender(<Chart id="kept" value={2} />);
    for (let i = 0; i < 4; i++) await turn();
    expect(screen.getByTestId('kept').textContent).toBe('2');
  });
});
