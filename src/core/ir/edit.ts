/**
 * Immutable edits on schema messages. A patched copy keeps the original's prototype (where
 * the schema keeps field defaults), its presence bits (own properties) and its unknown
 * fields, and shares every unchanged field with the original.
 */
export function patch<T extends object>(msg: T, changes: Partial<T>): T {
  const out = Object.create(Object.getPrototypeOf(msg) as object) as T;
  Object.assign(out, msg, changes);
  return out;
}
