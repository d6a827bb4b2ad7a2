import { RecipeError } from '../util/errors';
import { fp16 } from './fp16';
import { fp16Weight } from './fp16-weight';
import { int4 } from './int4';
import { int8Dynamic } from './int8-dynamic';
import { int8Static } from './int8-static';
import { int8Weight } from './int8-weight';
import { pruneUnstructured } from './prune-unstructured';
import { pruneChannels } from './prune-channels';
import { reconstruct } from './reconstruct';
import { simplify } from './simplify';
import { lowRank } from './low-rank';
import type { MethodModule } from './types';

/**
 * Every compression method's implementation, in the order the UI lists them (declarations/index.ts
 * lists their declarations in the same order; a test checks it). Hosts that run recipes (the model
 * worker, the CLI, tests) load this; the studio's page loads only the declarations. Adding a method
 * is its declaration (declarations/<id>.ts, a line in declarations/index.ts) and its implementation
 * (<id>.ts, a line here); the CLI, the worker and the studio need nothing more.
 */
export const methods: readonly MethodModule[] = [int8Weight, int8Dynamic, int8Static, int4, fp16, fp16Weight, pruneUnstructured, pruneChannels, reconstruct, simplify, lowRank];

export function getMethod(id: string): MethodModule {
  const m = methods.find((x) => x.id === id);
  if (!m) throw new RecipeError(`Unknown method '${id}'; expected one of ${methods.map((x) => x.id).join(', ')}.`);
  return m;
}
