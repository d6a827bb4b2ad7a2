import type { MethodDeclaration } from '../../core/methods/types';

/**
 * What the UI needs to know of a method: its declaration, not its implementation. `backends`,
 * when present, lists where its output runs as intended (no 'webgpu': "CPU only").
 */
export type MethodInfo = Pick<MethodDeclaration, 'id' | 'label' | 'description' | 'options' | 'backends'> & Partial<Pick<MethodDeclaration, 'family'>>;

/** A method's declaration (declarations/index.ts, no method code), as the store and the components see it. */
export function toMethodInfo({ id, label, description, family, options, backends }: MethodDeclaration): MethodInfo {
  return backends ? { id, label, description, family, options, backends } : { id, label, description, family, options };
}
