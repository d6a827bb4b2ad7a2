/**
 * The headers every Featherweight response carries, in one place: the Vite dev/preview servers
 * send them, the build writes the policy into index.html as a <meta>, and the service worker adds
 * them to what it serves (so a static host that cannot set headers still gets them once the
 * worker controls the page). Plain data, no DOM or Node types: the service worker imports it too.
 */

/** Cross-origin isolation: SharedArrayBuffer, hence WASM threads in onnxruntime-web. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * What the built studio needs and nothing more. Everything is same-origin: scripts, workers,
 * onnxruntime's .mjs/.wasm, the sample model. 'wasm-unsafe-eval' lets WebAssembly compile (it
 * allows no JavaScript eval). Images may be data:/blob: URLs made on the page (chart exports);
 * they cannot reach another origin. No inline script, no inline <style>, no plugins, no frames.
 */
const PRODUCTION_DIRECTIVES: ReadonlyArray<readonly [string, string]> = [
  ['default-src', "'self'"],
  ['script-src', "'self' 'wasm-unsafe-eval'"],
  ['worker-src', "'self'"],
  ['connect-src', "'self'"],
  ['img-src', "'self' data: blob:"],
  ['style-src', "'self'"],
  ['font-src', "'self'"],
  ['manifest-src', "'self'"],
  ['object-src', "'none'"],
  ['frame-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
];

/** Only honoured as a header (a <meta> policy ignores it): the studio is never framed. */
const HEADER_ONLY_DIRECTIVES: ReadonlyArray<readonly [string, string]> = [['frame-ancestors', "'none'"]];

const join = (directives: ReadonlyArray<readonly [string, string]>): string => directives.map(([k, v]) => `${k} ${v}`).join('; ');

/** The policy for index.html's <meta http-equiv="Content-Security-Policy">. */
export const CONTENT_SECURITY_POLICY_META = join(PRODUCTION_DIRECTIVES);

/** The same policy as a response header. */
export const CONTENT_SECURITY_POLICY = join([...PRODUCTION_DIRECTIVES, ...HEADER_ONLY_DIRECTIVES]);

/**
 * `vite` (dev) only: its React Fast Refresh preamble is an inline script, CSS arrives as
 * injected <style> elements, and hot reload talks over a WebSocket. The build never gets this.
 */
export const DEV_CONTENT_SECURITY_POLICY = join(
  PRODUCTION_DIRECTIVES.map(([k, v]): readonly [string, string] => {
    if (k === 'script-src') return [k, `${v} 'unsafe-inline'`];
    if (k === 'style-src') return [k, `${v} 'unsafe-inline'`];
    if (k === 'connect-src') return [k, `${v} ws: wss:`];
    return [k, v];
  }),
);

/** The headers the service worker adds to each response it serves (a header already there is kept). */
export const SERVED_HEADERS: Readonly<Record<string, string>> = {
  ...ISOLATION_HEADERS,
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
};
