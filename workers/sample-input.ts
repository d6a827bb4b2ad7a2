import { assembleSampleSet } from '../src/core/evaluate/loaders/assemble-samples';
import type { ImageDecoder, SampleSource } from '../src/core/evaluate/loaders/sample-set';
import type { LoadedSampleSet } from '../src/core/evaluate/loaders/sample-set-info';
import type { ModelIR } from '../src/core/ir/model';
import type { LongCallOptions } from '../src/core/util/progress';
import type { SampleFile, SampleRequest } from './eval-api';

export type { SampleFile, SampleRequest } from './eval-api';

/** A dropped File as the core reads it: its bytes only when a loader asks. */
function blobSource(file: SampleFile): SampleSource {
  return { path: file.path, read: async () => new Uint8Array(await file.blob.arrayBuffer()) };
}

/**
 * Reads the user's dropped or picked sample files into the model's feeds with the core's sample
 * assembly (the CLI calls the same function over files on disk).
 */
export async function readSampleSet(model: ModelIR, request: SampleRequest, decodeImage: ImageDecoder, options: LongCallOptions = {}): Promise<LoadedSampleSet> {
  const { settings } = request;
  const set = await assembleSampleSet(
    model,
    { files: request.files.map(blobSource), labelsCsv: 'among-files', classes: settings.classes, root: { name: 'dropped folder', source: 'class folders' } },
    { image: settings.image, decodeImage, ...(settings.sampleRate !== undefined && { sampleRate: settings.sampleRate }), ...options },
  );
  return { samples: set.samples, ...(set.labels && { labels: set.labels }), info: set.info };
}
