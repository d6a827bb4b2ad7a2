import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Source for `new Worker(source, { eval: true })` that registers tsx's ESM loader (the project is
 * TypeScript run by tsx) and then loads the module at `moduleUrl`. It is eval'd code because
 * Node applies loader hooks only to modules imported after register().
 */
export function tsWorkerSource(moduleUrl: string): string {
  const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/esm/api')), 'index.mjs')).href;
  return `(async () => { const { register } = await import(${JSON.stringify(tsxApi)}); register(); await import(${JSON.stringify(moduleUrl)}); })();`;
}
