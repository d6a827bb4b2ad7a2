import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = ['fs', 'path', 'os', 'url', 'child_process', 'worker_threads', 'crypto', 'stream', 'util', 'module', 'process', 'buffer'];
const builtinPatterns = [...nodeBuiltins, ...nodeBuiltins.map((m) => `node:${m}`), 'node:*'];
/** Host globals the pure core must not touch: DOM, worker scope and Node. */
const coreForbiddenGlobals = ['window', 'document', 'navigator', 'localStorage', 'process', 'Buffer', 'require', 'self', 'postMessage', 'fetch', 'importScripts', 'OffscreenCanvas'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'public/**', 'dev-dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['scripts/**/*.mjs', 'bin/**/*.mjs', '*.config.{js,ts}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
  {
    // The core is pure: it runs in a worker, in Node and in tests alike.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: builtinPatterns.filter((p) => !p.includes('*')).map((name) => ({ name, message: 'src/core must not use Node built-ins.' })),
          patterns: [
            { group: ['node:*'], message: 'src/core must not use Node built-ins.' },
            { group: ['react', 'react-dom', 'react/*', 'react-dom/*', 'zustand', 'zustand/*', 'recharts', 'comlink'], message: 'src/core must not depend on UI or worker libraries.' },
            { group: ['onnxruntime-web', 'onnxruntime-web/*', 'onnxruntime-common'], message: 'Only src/runtime may import onnxruntime-web.' },
            { group: ['**/ui/**', '**/runtime/**', '**/cli/**', '**/workers/**'], message: 'src/core must not import from outer layers.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', ...coreForbiddenGlobals.map((name) => ({ name, message: `src/core runs in browsers, workers and Node alike: '${name}' belongs to a host (pass what the core needs in as an argument).` }))],
      // The same globals reached through globalThis.
      'no-restricted-properties': ['error', ...coreForbiddenGlobals.map((property) => ({ object: 'globalThis', property, message: `src/core must not reach the host's '${property}'.` }))],
    },
  },
  {
    // onnxruntime-web is imported only by the runtime adapter.
    files: ['src/ui/**/*.{ts,tsx}', 'src/cli/**/*.ts', 'workers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['onnxruntime-web', 'onnxruntime-web/*'], message: 'Only src/runtime may import onnxruntime-web.' }] },
      ],
    },
  },
);
