import { RecipeError } from '../util/errors';
import { fp16 } from './fp16';
import { fp16Weight } from './fp16-weight';
import { int4 } from './int4';
import { int8Dynamic } from './int8-dynamic';
import { int8Static } from './int8-static';
import { int8Weight } from './int8-weight';
import type { MethodModule } from './types';

/** Every compression method, in the order the UI lists them. Adding a method = one module + one line here. */
export const methods: readonly MethodModule[] = [int8Weight, int8Dynamic, int8Static, int4, fp16, fp16Weight];

export function getMethod(id: string): MethodModule {
  const m = methods.find((x) => x.id === id);
  if (!m) throw new RecipeError(`Unknown method '${id}'; expected one of ${methods.map((x) => x.id).join(', ')}.`);
  return m;
}
