// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { BackendSelect } from '../../src/ui/components/BackendSelect';

afterEach(cleanup);

describe('BackendSelect', () => {
  it('offers WASM on all threads and on one when there are several, and WebGPU when granted', () => {
    const onChange = vi.fn();
    render(<BackendSelect backends={['wasm', 'webgpu']} value="wasm" oneThread={false} maxThreads={4} onChange={onChange} />);
    const select = screen.getByLabelText('Measure on') as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(['WASM (CPU, 4 threads)', 'WASM (CPU, 1 thread)', 'WebGPU']);
    fireEvent.change(select, { target: { value: 'wasm-1' } });
    expect(onChange).toHaveBeenLastCalledWith('wasm', true);
    fireEvent.change(select, { target: { value: 'webgpu' } });
    expect(onChange).toHaveBeenLastCalledWith('webgpu', false);
  });

  it('one thread only: a single WASM choice, and the select is off without WebGPU', () => {
    render(<BackendSelect backends={['wasm']} value="wasm" oneThread={false} maxThreads={1} onChange={() => {}} />);
    const select = screen.getByLabelText('Measure on') as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(['WASM (CPU)']);
    expect(select.disabled).toBe(true);
  });
});
