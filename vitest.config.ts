import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    environment: 'node',
    // Hang guards, not timings: real-model tests must pass on a busy 2-core machine.
    testTimeout: 600_000,
    hookTimeout: 60_000,
    // onnxruntime-web's WASM is heavy; two cores are better spent on two files at a time.
    maxWorkers: 2,
  },
});
