import type { DroppedFile } from '../services/types';

const MODEL_FILE = /\.onnx$/i;

/**
 * Where a drop goes: anything holding an .onnx file opens as a model (with its external data);
 * once a model is open, any other drop (sample files, a folder of them, a labels CSV) becomes the
 * sample set. Without a model, the drop is tried as a model so a wrong file gets its typed error.
 */
export function routeDrop(files: readonly DroppedFile[], hasModel: boolean): 'model' | 'samples' {
  if (files.some((f) => MODEL_FILE.test(f.path))) return 'model';
  return hasModel ? 'samples' : 'model';
}
