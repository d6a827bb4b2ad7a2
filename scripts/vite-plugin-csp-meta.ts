import type { Plugin } from 'vite';

/**
 * Writes the Content-Security-Policy into the built index.html as a <meta>, first in <head> so it
 * covers every script after it, for static hosts that send no headers. Build only: the dev
 * server's Fast Refresh preamble is an inline script the policy forbids.
 */
export function cspMetaPlugin(policy: string): Plugin {
  return {
    name: 'featherweight-csp-meta',
    apply: 'build',
    transformIndexHtml: {
      order: 'pre',
      handler: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: policy }, injectTo: 'head-prepend' }],
    },
  };
}
