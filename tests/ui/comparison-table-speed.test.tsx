// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { ComparisonTable } from '../../src/ui/components/ComparisonTable';

afterEach(cleanup);

describe('ComparisonTable latency ratio', () => {
  const column = (label: string, medianMs: number) => ({ label, sizeBytes: 1000, medianMs, sessionMs: 5 });
  const latency = () => screen.getByTestId('comparison-table').querySelector('tr[data-metric="latency"] td:last-child') as HTMLElement;

  it('reads "same speed" in a neutral colour when the interval contains 1, and the ratio with its interval otherwise', () => {
    render(<ComparisonTable original={column('A', 10)} variant={column('B', 5.2)} fidelity={null} latencyNote="" speedInterval={{ ratio: 1.92, low: 0.8, high: 2.5, level: 0.95, resamples: 2000, paired: true }} />);
    expect(latency().textContent).toBe('same speed0.80×–2.50×');
    expect(latency().className).toBe('num same');
    cleanup();
    render(<ComparisonTable original={column('A', 10)} variant={column('B', 8)} fidelity={null} latencyNote="" speedInterval={{ ratio: 1.25, low: 1.2, high: 1.3, level: 0.95, resamples: 2000, paired: true }} />);
    expect(latency().textContent).toBe('1.25× faster1.20×–1.30×');
    expect(latency().className).toContain('good');
    cleanup();
    render(<ComparisonTable original={column('A', 10)} variant={column('B', 8)} fidelity={null} latencyNote="" />);
    expect(latency().textContent).toBe('1.25× faster');
  });
});
