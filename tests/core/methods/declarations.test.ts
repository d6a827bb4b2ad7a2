import { describe, expect, expectTypeOf, it } from 'vitest';
import { declarations, getDeclaration } from '../../../src/core/methods/declarations';
import { methods } from '../../../src/core/methods/registry';
import type { Int8StaticOptions } from '../../../src/core/methods/declarations/int8-static';
import type { Int8WeightOptions } from '../../../src/core/methods/declarations/int8-weight';
import type { Fp16Options } from '../../../src/core/methods/declarations/fp16';
import { resolveOptions } from '../../../src/core/methods/resolve-options';
import type { OptionField, OptionsOf } from '../../../src/core/methods/types';

describe('method declarations and the registry', () => {
  it('list the same methods in the same order, each implementation carrying its declaration unchanged', () => {
    expect(methods.map((m) => m.id)).toEqual(declarations.map((d) => d.id));
    for (const [i, m] of methods.entries()) {
      const { apply, ...declared } = m;
      expect(typeof apply).toBe('function');
      expect(declared).toEqual(declarations[i]);
    }
  });

  it('declare every part of the contract for every method, as data', () => {
    for (const d of declarations) {
      expect(['quantization', 'pruning', 'distillation', 'structure']).toContain(d.family);
      expect(typeof d.needsTeacher).toBe('boolean');
      expect(typeof d.streamsTensors).toBe('boolean');
      expect(new Set(d.options.map((f) => f.key)).size).toBe(d.options.length);
      // A declaration survives a JSON round trip but for its calibration count function.
      const { calibrationSamples: _count, ...data } = d;
      expect(JSON.parse(JSON.stringify(data))).toEqual(data);
    }
  });

  it('say how many calibration samples a method runs with given options', () => {
    const count = (id: string, given: Record<string, unknown>) => {
      const d = getDeclaration(id);
      return d.calibrationSamples?.(resolveOptions(d.id, d.options, given));
    };
    expect(count('int8-static', {})).toBe(16);
    expect(count('int8-static', { samples: 3 })).toBe(3);
    expect(count('int8-weight', {})).toBeUndefined();
    expect(count('int8-weight', { biasCorrection: true })).toBe(16);
    expect(count('int4', {})).toBeUndefined();
  });
});

describe('options types derived from the declarations', () => {
  it('map number, boolean, enum and string-list fields to number, boolean, the union of the choices and string[]', () => {
    const fields = [
      { kind: 'number', key: 'n', label: 'N', default: 1 },
      { kind: 'boolean', key: 'b', label: 'B', default: false },
      { kind: 'enum', key: 'e', label: 'E', default: 'x', choices: ['x', 'y'] },
      { kind: 'string-list', key: 'l', label: 'L', default: [] },
    ] as const satisfies readonly OptionField[];
    expectTypeOf<OptionsOf<typeof fields>>().toEqualTypeOf<{ n: number; b: boolean; e: 'x' | 'y'; l: string[] }>();
    expectTypeOf(resolveOptions('t', fields, {})).toEqualTypeOf<{ n: number; b: boolean; e: 'x' | 'y'; l: string[] }>();
    expect(resolveOptions('t', fields, { e: 'y' })).toEqual({ n: 1, b: false, e: 'y', l: [] });
  });

  it('give the real methods their option types', () => {
    expectTypeOf<Int8WeightOptions['weightType']>().toEqualTypeOf<'int8' | 'uint8'>();
    expectTypeOf<Int8WeightOptions['biasCorrection']>().toEqualTypeOf<boolean>();
    expectTypeOf<Int8StaticOptions['calibrator']>().toEqualTypeOf<'minmax' | 'percentile' | 'entropy'>();
    expectTypeOf<Int8StaticOptions['samples']>().toEqualTypeOf<number>();
    expectTypeOf<Fp16Options['blockOps']>().toEqualTypeOf<string[]>();
    expectTypeOf<Fp16Options['outOfRange']>().toEqualTypeOf<'keep-float32' | 'clamp'>();
    expectTypeOf<keyof Int8WeightOptions>().toEqualTypeOf<'perChannel' | 'symmetric' | 'weightType' | 'minElements' | 'opTypes' | 'excludeNodes' | 'biasCorrection' | 'algorithm' | 'damp' | 'blockSize' | 'actOrder'>();
    expectTypeOf<Int8WeightOptions['algorithm']>().toEqualTypeOf<'rtn' | 'gptq'>();
  });
});
