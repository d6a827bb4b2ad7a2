/** An error as plain data (what crosses a worker boundary and goes into JSON): its kind and message. */
export interface ErrorInfo {
  name: string;
  message: string;
}

export function errorInfo(e: unknown): ErrorInfo {
  return e instanceof Error ? { name: e.name, message: e.message } : { name: 'Error', message: String(e) };
}
