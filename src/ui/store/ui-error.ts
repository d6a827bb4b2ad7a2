/** An error as the store keeps it: plain data, the typed kind in `name` (it survives comlink). */
export interface UiError {
  name: string;
  message: string;
}

export function toUiError(e: unknown): UiError {
  if (e instanceof Error) return { name: e.name || 'Error', message: e.message };
  if (typeof e === 'object' && e !== null && 'message' in e) {
    const { name, message } = e as { name?: unknown; message?: unknown };
    return { name: typeof name === 'string' ? name : 'Error', message: String(message) };
  }
  return { name: 'Error', message: String(e) };
}

export function isAbort(e: UiError): boolean {
  return e.name === 'AbortError';
}
