/**
 * The response with each of `headers` it lacks added; the same response when none is missing.
 * Opaque responses (status 0) cannot be rebuilt and are returned as they are.
 */
export function withHeaders(response: Response, headers: Readonly<Record<string, string>>): Response {
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  const merged = new Headers(response.headers);
  let added = false;
  for (const [name, value] of Object.entries(headers)) {
    if (merged.has(name)) continue;
    merged.set(name, value);
    added = true;
  }
  if (!added) return response;
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: merged });
}
