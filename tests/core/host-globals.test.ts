import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const configPath = path.join(root, 'tsconfig.core.json');
const hostGlobals = path.join(root, 'src/core/host-globals.d.ts');

function coreConfig(): ts.ParsedCommandLine {
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  return ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configPath);
}

/** Lib files parsed once for every probe. */
const parsed = new Map<string, ts.SourceFile | undefined>();

/**
 * The type errors of `source` as a file of the core, checked the way tsconfig.core.json checks
 * the core (its options, the core's host declarations), without writing it to disk.
 */
function coreErrors(source: string): string[] {
  const { options } = coreConfig();
  const probe = path.join(root, 'src/core/host-probe.ts');
  const host = ts.createCompilerHost(options);
  const readSource = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) => {
    if (name === probe) return ts.createSourceFile(name, source, language);
    if (!parsed.has(name)) parsed.set(name, readSource(name, language, ...rest));
    return parsed.get(name);
  };
  const exists = host.fileExists.bind(host);
  host.fileExists = (name) => name === probe || exists(name);
  const program = ts.createProgram([probe, hostGlobals], options, host);
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(probe)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('the core is type-checked without DOM and Node types', () => {
  it('tsconfig.core.json takes ES2023 only, no @types, and exactly the files of src/core', () => {
    const { options, fileNames } = coreConfig();
    expect(options.lib).toEqual(['lib.es2023.d.ts']);
    expect(options.types).toEqual([]);
    expect(fileNames).toContain(hostGlobals);
    expect(fileNames).toContain(path.join(root, 'src/core/util/abort.ts'));
    expect(fileNames.filter((f) => !f.startsWith(path.join(root, 'src/core/')))).toEqual([]);
  });

  it('accepts the host globals the core declares for itself', () => {
    const source = [
      "export const text = new TextDecoder('utf-8').decode(new TextEncoder().encode('a'), { stream: true });",
      'export const now: number = performance.now();',
      'export const later = setTimeout(() => undefined, 0);',
      "export const raw: string = atob('AA==');",
      'export const valid: boolean = WebAssembly.validate(new Uint8Array(8));',
      'export const stopped = (signal: AbortSignal): boolean => signal.aborted;',
    ].join('\n');
    expect(coreErrors(source)).toEqual([]);
  });

  it('rejects DOM, worker and Node globals', () => {
    const names = ['document', 'window', 'navigator', 'localStorage', 'self', 'postMessage', 'fetch', 'importScripts', 'OffscreenCanvas', 'Buffer', 'process', 'require'];
    const errors = coreErrors(names.map((name, i) => `export const use${i} = ${name};`).join('\n'));
    for (const name of names) expect(errors.some((e) => e.includes(`Cannot find name '${name}'`)), `${name}: ${errors.join(' | ')}`).toBe(true);
  });
});
