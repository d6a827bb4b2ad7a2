import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** The rules each line of `code` breaks, linted as if it were the file at `file` (nothing is written). */
async function brokenRules(code: string, file: string): Promise<{ line: number; rule: string | null }[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages.map((m) => ({ line: m.line, rule: m.ruleId }));
}

const HOST_ONLY = ['self', 'postMessage', 'fetch', 'importScripts', 'OffscreenCanvas'];
const uses = HOST_ONLY.map((name, i) => `export const use${i} = ${name};`).join('\n');

describe("lint keeps the core off the hosts' globals", () => {
  it('fails on self, postMessage, fetch, importScripts and OffscreenCanvas in src/core', async () => {
    expect(await brokenRules(uses, 'src/core/util/host-probe.ts')).toEqual(HOST_ONLY.map((_, i) => ({ line: i + 1, rule: 'no-restricted-globals' })));
  });

  it('fails on the same globals reached through globalThis', async () => {
    const code = HOST_ONLY.map((name, i) => `export const use${i} = globalThis.${name};`).join('\n');
    expect(await brokenRules(code, 'src/core/util/host-probe.ts')).toEqual(HOST_ONLY.map((_, i) => ({ line: i + 1, rule: 'no-restricted-properties' })));
  });

  it('lets a host layer (the runtime) use them', async () => {
    expect(await brokenRules(uses, 'src/runtime/host-probe.ts')).toEqual([]);
  });
});
