import { describe, expect, it } from 'vitest';
import { IMAGE_PRESETS } from '../../src/core/evaluate/loaders/image-preprocess';
import { PREPROCESS_FIELDS } from '../../src/core/evaluate/loaders/preprocess-fields';
import { PREPROCESS_OPTIONS, preprocessHelp, preprocessingFromFlags } from '../../src/cli/eval-options';
import { defaultSampleForm, editSampleForm, sampleSettings, SAMPLE_FIELDS } from '../../src/ui/store/sample-settings';

describe('preprocessing flags and the studio form, from one declaration', () => {
  it('gives every declared field one flag, and the form one control, in the same order', () => {
    expect(Object.keys(PREPROCESS_OPTIONS)).toEqual(['preset', 'resize', 'crop-fraction', 'scale', 'mean', 'std', 'bgr', 'layout', 'sample-rate']);
    expect(PREPROCESS_OPTIONS.bgr).toEqual({ type: 'boolean' });
    expect(SAMPLE_FIELDS.map((f) => f.key)).toEqual(PREPROCESS_FIELDS.map((f) => f.field.key));
    const help = preprocessHelp();
    for (const name of Object.keys(PREPROCESS_OPTIONS)) expect(help).toMatch(new RegExp(`^  --${name}\\b`, 'm'));
  });

  it('reads the flags as before: only what is set, names case-blind, the rate rounded', () => {
    expect(preprocessingFromFlags('eval', {})).toEqual({ image: {} });
    expect(preprocessingFromFlags('eval', { preset: 'ImageNet', bgr: true, layout: 'nhwc', 'crop-fraction': '0.875', mean: '0.5, 0.5,0.5', 'sample-rate': '8000.4' })).toEqual({
      image: { preset: 'imagenet', order: 'BGR', layout: 'NHWC', cropFraction: 0.875, mean: [0.5, 0.5, 0.5] },
      sampleRate: 8000,
    });
    expect(() => preprocessingFromFlags('eval', { std: '1,0,1' })).toThrow(/--std was '1,0,1'; expected three numbers R,G,B \(non-zero\)/);
    expect(() => preprocessingFromFlags('eval', { 'crop-fraction': '0' })).toThrow(/--crop-fraction was '0'; expected a number above 0 and at most 1/);
    expect(() => preprocessingFromFlags('eval', { layout: 'auto' })).toThrow(/--layout was 'auto'; expected one of NCHW, NHWC/);
  });

  it('knows the same presets on both sides: a CLI preset and the form preset of that label set the same fields', () => {
    for (const [name, preset] of Object.entries(IMAGE_PRESETS)) {
      const cli = preprocessingFromFlags('eval', { preset: name }).image;
      expect(cli.preset).toBe(name);
      const form = sampleSettings(editSampleForm(defaultSampleForm(), 'preset', preset.label), 'auto', '').image;
      expect(form).toMatchObject({ resize: preset.resize, cropFraction: preset.cropFraction, scale: preset.scale, mean: [...preset.mean], std: [...preset.std] });
    }
  });
});
