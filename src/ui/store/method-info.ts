import type { MethodModule } from '../../core/methods/types';

/**
 * What the UI needs to know of a method: its declaration, not its implementation. `backends`,
 * when present, lists where its output runs as intended (no 'webgpu': "CPU only").
 */
export type MethodInfo = Pick<MethodModule, 'id' | 'label' | 'description' | 'options' | 'backends'>;

/** The declaration part of a registered method, as the store and the components see it. */
export function toMethodInfo({ id, label, description, options, backends }: MethodModule): MethodInfo {
  return backends ? { id, label, description, options, backends } : { id, label, description, options };
}
