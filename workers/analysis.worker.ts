import * as Comlink from 'comlink';
import { createAnalysisApi } from './analysis-api';

/** The analysis worker: live MAC recounts over weight-less skeletons, off the compression queue. */
const exposed = createAnalysisApi();

export type AnalysisWorkerRemote = typeof exposed;

Comlink.expose(exposed);
