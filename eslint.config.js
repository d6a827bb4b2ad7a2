import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = ['fs', 'path', 'os', 'url', 'child_process', 'worker_threads', 'crypto', 'stream', 'util', 'module', 'process', 'buffer'];
const builtinPatterns = [...nodeBuiltins, ...nodeBuiltins.map((m) => `node:${m}`), 'node:*'];
/** Host globals the pure core must not touch: DOM, worker scope and Node. */
const coreForbiddenGlobals = ['window', 'document', 'navigator', 'localStorage', 'process', 'Buffer', 'require', 'self', 'postMessage', 'fetch', 'importScripts', 'OffscreenCanvas'];

/** One config block per layer, each with its forbidden import patterns. */
// The studio lists methods and builds their forms from the declarations alone: method code (the
// registry and the modules it lists, kernels, calibration) stays out of the UI bundle.
// tests/core/methods/ui-method-code.test.ts walks the import graph for what these cannot see.
const uiMethodPatterns = [
  {
    regex: '/core/methods/(?!(types|changes|options|declarations(/[\\w-]+)?)$)',
    message: 'src/ui may import only method declarations (core/methods/declarations), types, options, changes and node patterns, not method code.',
  },
  { regex: '/core/recipe(/index|/apply)?$', message: 'src/ui must not import recipe apply (it loads every method); the model worker runs recipes.', allowTypeImports: true },
];

function layerRules(layers) {
  return layers.map(({ files, ignores, patterns }) => ({
    files,
    ...(ignores && { ignores }),
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
  }));
}

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
  // Layer boundaries: each host imports the core and what lies below it, never a sibling or an outer
  // layer. The typescript-eslint rule is used here so these sit beside the plain rule above instead
  // of replacing it, and so the studio's services can take the workers' API types, type-only.
  ...layerRules([
    {
      files: ['src/ui/**/*.{ts,tsx}'],
      ignores: ['src/ui/services/**'],
      patterns: [
        { group: ['**/runtime/**'], message: 'The UI must not import src/runtime (types included): result types live in src/core.' },
        { group: ['**/cli/**'], message: 'The UI must not import src/cli.' },
        { group: ['**/workers/**'], message: 'Only src/ui/services may know the workers, and only their API types.' },
        ...uiMethodPatterns,
      ],
    },
    {
      files: ['src/ui/services/**/*.{ts,tsx}'],
      patterns: [
        { group: ['**/runtime/**'], message: 'The UI must not import src/runtime (types included): result types live in src/core.' },
        { group: ['**/cli/**'], message: 'The UI must not import src/cli.' },
        { group: ['**/workers/**', '!**/workers/*-api', '!**/workers/*.worker'], message: 'The UI may import only the workers\' API types (workers/*-api, workers/*.worker).' },
        { group: ['**/workers/*-api', '**/workers/*.worker'], allowTypeImports: true, message: 'The UI imports the workers\' API types only as types (import type), to type comlink proxies.' },
        ...uiMethodPatterns,
      ],
    },
    {
      files: ['src/cli/**/*.ts'],
      patterns: [
        { group: ['**/ui/**'], message: 'The CLI must not import the UI.' },
        { group: ['**/workers/**'], message: 'The CLI must not import the workers: call src/core and src/runtime directly.' },
      ],
    },
    {
      files: ['workers/**/*.ts'],
      patterns: [{ group: ['**/ui/**'], message: 'The workers must not import the UI.' }],
    },
    {
      files: ['src/runtime/**/*.ts'],
      patterns: [
        { group: ['**/ui/**'], message: 'The runtime must not import the UI.' },
        { group: ['**/cli/**'], message: 'The runtime must not import the CLI.' },
      ],
    },
  ]),
);
