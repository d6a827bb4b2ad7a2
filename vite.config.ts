import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { sampleModelPlugin } from './scripts/vite-plugin-sample-model';
import { appIconsPlugin } from './scripts/vite-plugin-app-icons';
import { cspMetaPlugin } from './scripts/vite-plugin-csp-meta';
import { webAppManifest } from './scripts/web-app-manifest';
import {
  CONTENT_SECURITY_POLICY,
  CONTENT_SECURITY_POLICY_META,
  DEV_CONTENT_SECURITY_POLICY,
  ISOLATION_HEADERS,
} from './src/sw/security-headers';

// Cross-origin isolation lets onnxruntime-web use SharedArrayBuffer, i.e. WASM threads. The
// service worker adds the same headers to what it serves (src/sw/sw.ts).
const isolationHeaders = { ...ISOLATION_HEADERS };

export default defineConfig({
  plugins: [
    react(),
    sampleModelPlugin(),
    appIconsPlugin(),
    cspMetaPlugin(CONTENT_SECURITY_POLICY_META),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      // src/ui/pwa registers it with workbox-window, to hold updates back while a job runs.
      injectRegister: false,
      registerType: 'prompt',
      manifest: webAppManifest,
      injectManifest: {
        // Everything the studio can load, the sample model and onnxruntime's ~27 MB .wasm included.
        // (manifest.webmanifest is added by the plugin itself.)
        globPatterns: ['**/*.{html,js,mjs,css,wasm,onnx,svg,png}'],
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        // A classic worker script: module service workers are newer than some browsers it must reach.
        rollupFormat: 'iife',
      },
      devOptions: { enabled: false },
    }),
  ],
  server: { headers: { ...isolationHeaders, 'Content-Security-Policy': DEV_CONTENT_SECURITY_POLICY } },
  preview: { headers: { ...isolationHeaders, 'Content-Security-Policy': CONTENT_SECURITY_POLICY } },
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
