import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';

const DIST = resolve(import.meta.dirname, '../../../dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
  '.onnx': 'application/octet-stream',
};

export interface StaticHost {
  url: string;
  /** Bytes appended to /sw.js from now on: the host has "deployed" a new version of the worker. */
  deployServiceWorkerChange(suffix: string): void;
  stop(): Promise<void>;
}

/**
 * Serves dist/ the way a plain static host does: files with their content types and no other
 * headers (no COOP/COEP, no CSP), so only the service worker can make the page isolated.
 */
export async function startStaticHost(): Promise<StaticHost> {
  let swSuffix = '';
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://host').pathname;
    const file = normalize(join(DIST, path === '/' ? 'index.html' : path));
    if (!file.startsWith(DIST)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (bytes) => {
        const body = path === '/sw.js' && swSuffix ? Buffer.concat([bytes, Buffer.from(swSuffix)]) : bytes;
        res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': body.byteLength, 'Cache-Control': 'no-cache' });
        res.end(body);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    deployServiceWorkerChange: (suffix) => void (swSuffix = suffix),
    stop: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
