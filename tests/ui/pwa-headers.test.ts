import { describe, expect, it } from 'vitest';
import { withHeaders } from '../../src/sw/with-headers';
import {
  CONTENT_SECURITY_POLICY,
  CONTENT_SECURITY_POLICY_META,
  DEV_CONTENT_SECURITY_POLICY,
  SERVED_HEADERS,
} from '../../src/sw/security-headers';

const directives = (policy: string): Map<string, string[]> =>
  new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...sources]) => [name!, sources]));

describe('the headers the service worker adds', () => {
  it('adds isolation and the CSP to a response that lacks them, keeping status, body and the headers it had', async () => {
    const original = new Response('wasm bytes', { status: 200, statusText: 'OK', headers: { 'Content-Type': 'application/wasm' } });
    const served = withHeaders(original, SERVED_HEADERS);
    expect(served.status).toBe(200);
    expect(served.statusText).toBe('OK');
    expect(served.headers.get('content-type')).toBe('application/wasm');
    expect(served.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(served.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(served.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(served.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await served.text()).toBe('wasm bytes');
  });

  it("keeps a host's own value and returns the same response when nothing is missing", () => {
    const hostPolicy = "default-src 'self'; img-src 'self'";
    const partial = withHeaders(new Response('x', { headers: { 'Content-Security-Policy': hostPolicy } }), SERVED_HEADERS);
    expect(partial.headers.get('content-security-policy')).toBe(hostPolicy);
    expect(partial.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    const complete = new Response('x', { headers: SERVED_HEADERS });
    expect(withHeaders(complete, SERVED_HEADERS)).toBe(complete);
  });

  it('passes a network error (status 0) through untouched', () => {
    const failed = Response.error();
    expect(withHeaders(failed, SERVED_HEADERS)).toBe(failed);
  });
});

describe('the Content-Security-Policy', () => {
  it('allows only this origin, WebAssembly compilation and page-made images; no inline script, eval or remote origin', () => {
    const csp = directives(CONTENT_SECURITY_POLICY);
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(csp.get('worker-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    for (const [name, sources] of csp) {
      for (const source of sources) {
        expect([`'self'`, `'none'`, `'wasm-unsafe-eval'`, 'data:', 'blob:'], `${name} ${source}`).toContain(source);
      }
    }
  });

  it('is the same in the <meta>, less frame-ancestors (which a <meta> policy cannot carry)', () => {
    const meta = directives(CONTENT_SECURITY_POLICY_META);
    const header = directives(CONTENT_SECURITY_POLICY);
    expect(meta.has('frame-ancestors')).toBe(false);
    header.delete('frame-ancestors');
    expect(meta).toEqual(header);
  });

  it("relaxes only what Vite's dev server needs, in dev alone", () => {
    const dev = directives(DEV_CONTENT_SECURITY_POLICY);
    expect(dev.get('script-src')).toContain("'unsafe-inline'");
    expect(dev.get('connect-src')).toEqual(["'self'", 'ws:', 'wss:']);
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
  });
});
