import { RecipeError } from '../../util/errors';
import type { MethodDeclaration } from '../types';
import { fp16Declaration } from './fp16';
import { fp16WeightDeclaration } from './fp16-weight';
import { int4Declaration } from './int4';
import { int8DynamicDeclaration } from './int8-dynamic';
import { int8StaticDeclaration } from './int8-static';
import { int8WeightDeclaration } from './int8-weight';
import { pruneUnstructuredDeclaration } from './prune-unstructured';
import { pruneChannelsDeclaration } from './prune-channels';
import { reconstructDeclaration } from './reconstruct';
import { simplifyDeclaration } from './simplify';
import { lowRankDeclaration } from './low-rank';

/**
 * Every method's declaration, data only, in the order the UI lists them: what the studio, the
 * recipe grammar and JSON reading need. The implementations are in ../registry.ts, which lists
 * the same methods in the same order (a test checks it).
 */
export const declarations: readonly MethodDeclaration[] = [
  int8WeightDeclaration,
  int8DynamicDeclaration,
  int8StaticDeclaration,
  int4Declaration,
  fp16Declaration,
  fp16WeightDeclaration,
  pruneUnstructuredDeclaration,
  pruneChannelsDeclaration,
  reconstructDeclaration,
  simplifyDeclaration,
  lowRankDeclaration,
];

export function getDeclaration(id: string): MethodDeclaration {
  const m = declarations.find((x) => x.id === id);
  if (!m) throw new RecipeError(`Unknown method '${id}'; expected one of ${declarations.map((x) => x.id).join(', ')}.`);
  return m;
}
