import { describe, expect, it } from 'vitest';
import { formatChange, layerErrors, summarizeChanges, weightErrors, type LayerChange } from '../../../src/core/methods/changes';

const EVERY_KIND: LayerChange[] = [
  { kind: 'weight-error', name: 'fc1.w', maxAbsError: 0.0123, meanAbsError: 0.00101, sqnrDb: 38.25 },
  { kind: 'weight-error', name: 'fc2.w', maxAbsError: 0, meanAbsError: 0, sqnrDb: Infinity },
  { kind: 'channels-removed', name: 'conv1', before: 64, after: 48 },
  { kind: 'channels-removed', name: 'conv2', before: 32, after: 8 },
  { kind: 'sparsity', name: 'fc1.w', zeros: 300, elements: 1000 },
  { kind: 'rank', name: 'attn.q', before: 512, after: 64 },
  { kind: 'node-folded', name: 'bn1', opType: 'BatchNormalization', into: 'conv1' },
  { kind: 'node-removed', name: 'id3', opType: 'Identity' },
];

describe('layer changes', () => {
  it('formats each kind as one line', () => {
    expect(EVERY_KIND.map(formatChange)).toEqual([
      'fc1.w: SQNR 38.3 dB, max |error| 0.0123, mean 0.00101',
      'fc2.w: SQNR exact, max |error| 0.00, mean 0.00',
      'conv1: 16 of 64 channels removed (48 kept)',
      'conv2: 24 of 32 channels removed (8 kept)',
      'fc1.w: 30.0% zeros (300 of 1000)',
      'attn.q: rank 64 of 512',
      'bn1 (BatchNormalization) folded into conv1',
      'id3 (Identity) removed',
    ]);
  });

  it('summarizes one line per kind present, naming the most affected layer', () => {
    expect(summarizeChanges(EVERY_KIND)).toEqual([
      '2 weights rewritten; worst fc1.w: SQNR 38.3 dB, max |error| 0.0123, mean 0.00101',
      'channels removed in 2 layers (40 of 96); most conv2: 24 of 32 channels removed (8 kept)',
      'sparsity 30.0% over 1 weight; highest fc1.w: 30.0% zeros (300 of 1000)',
      '1 weight factored to low rank; lowest attn.q: rank 64 of 512',
      '1 node folded, e.g. bn1 (BatchNormalization) folded into conv1',
      '1 node removed, e.g. id3 (Identity) removed',
    ]);
    expect(summarizeChanges([])).toEqual([]);
  });

  it('turns weight errors into changes and back', () => {
    const layers = [{ name: 'w', maxAbsError: 1, meanAbsError: 0.5, sqnrDb: 20 }];
    expect(weightErrors(layers)).toEqual([{ kind: 'weight-error', ...layers[0] }]);
    expect(layerErrors([...weightErrors(layers), EVERY_KIND[2]!])).toEqual(layers);
  });
});
