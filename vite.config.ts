import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { sampleModelPlugin } from './scripts/vite-plugin-sample-model';

// Cross-origin isolation lets onnxruntime-web use SharedArrayBuffer, i.e. WASM threads.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react(), sampleModelPlugin()],
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  // onnxruntime-web loads its own .mjs/.wasm at run time; pre-bundling breaks those URLs.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // ORT's WASM binary is ~27 MB: it is an asset served as-is, not a chunk to split.
    chunkSizeWarningLimit: 2048,
    assetsInlineLimit: (file) => (file.endsWith('.wasm') || file.endsWith('.mjs') ? false : undefined),
  },
});
