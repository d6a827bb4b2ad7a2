// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { InputSizes } from '../../src/ui/components/InputSizes';
import { openDims, valueInputs } from '../../src/core/evaluate/open-dims';
import { graphInputSpecs } from '../../src/core/evaluate/io-spec';
import { voiceActivity } from '../fixtures/voice-activity';

afterEach(cleanup);

describe('input sizes for dims without a name, and scalar values', () => {
  it('gives each unnamed dim a field by input and axis with its guess, and the scalar input a value field', () => {
    const specs = graphInputSpecs(voiceActivity());
    const dims = openDims(specs);
    const sizes: [string, number | null][] = [];
    const values: [string, number | null][] = [];
    render(
      <InputSizes
        names={dims.map((d) => d.key)}
        dims={dims}
        values={{ 'input[0]': 1 }}
        scalars={valueInputs(specs)}
        scalarValues={{}}
        onChange={(n, v) => sizes.push([n, v])}
        onValue={(n, v) => values.push([n, v])}
      />,
    );
    const time = screen.getByLabelText('Size of input[1]') as HTMLInputElement;
    expect(time.placeholder).toBe('16');
    expect((screen.getByLabelText('Size of input[0]') as HTMLInputElement).value).toBe('1');
    expect(time.closest('label')!.title).toBe("axis 1 of input 'input' (a dim without a name)");
    fireEvent.change(time, { target: { value: '512' } });
    const sr = screen.getByLabelText('Value of sr') as HTMLInputElement;
    expect(sr.placeholder).toBe('random');
    fireEvent.change(sr, { target: { value: '16000' } });
    expect(sizes).toEqual([['input[1]', 512]]);
    expect(values).toEqual([['sr', 16000]]);
  });
});
