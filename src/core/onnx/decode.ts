import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from './schema';
import type { ModelIR } from '../ir/model';
import { foreignFormatAdvice, guessUnreadableFormat, sniffForeignFormat } from './sniff';
import { resolveExternalData, listExternalLocations, type ExternalFiles } from './external-data';
import { ModelFormatError } from '../util/errors';
import { checkWeightPayloads } from './payload-check';
import { checkModelStructure } from './structure-check';

export interface DecodeOptions {
  /** External data files by their location relative to the model's folder. */
  externalFiles?: ExternalFiles;
}

/**
 * Decodes ONNX bytes into the model IR. Weight bytes stay views into `bytes` (and into the
 * external files), so the caller must not reuse those buffers while the model is alive.
 */
export function decodeModel(bytes: Uint8Array<ArrayBuffer>, options: DecodeOptions = {}): ModelIR {
  if (bytes.byteLength === 0) throw new ModelFormatError('The file is empty; expected an ONNX model (.onnx).');
  const foreign = sniffForeignFormat(bytes);
  if (foreign) throw new ModelFormatError(`Not an ONNX model. ${foreignFormatAdvice(foreign)}`, foreign);
  const notOnnx = (): ModelFormatError | undefined => {
    const guess = guessUnreadableFormat(bytes);
    return guess ? new ModelFormatError(`Not an ONNX model. ${foreignFormatAdvice(guess)}`, guess) : undefined;
  };
  let model: ModelIR;
  try {
    model = fromBinary(ModelProtoSchema, bytes, { readUnknownFields: true });
  } catch (e) {
    const other = notOnnx();
    if (other) throw other;
    const reason = e instanceof Error ? e.message : String(e);
    if (/premature EOF|outside the bounds/i.test(reason)) {
      throw new ModelFormatError(
        `The file ends in the middle of a protobuf field (${reason}): it looks truncated, or it is not an ONNX model at all. Expected a complete ONNX model.`,
      );
    }
    throw new ModelFormatError(
      `The file could not be read as an ONNX protobuf (${reason}). It may be corrupt, or not an ONNX model at all.`,
    );
  }
  if (!model.graph) {
    const other = notOnnx();
    if (other) throw other;
    throw new ModelFormatError(
      'The file parsed as protobuf but holds no ONNX graph; expected a ModelProto with a graph. A file cut short right after its header looks like this too.',
    );
  }
  if (model.irVersion <= 0n) {
    throw new ModelFormatError(`The model declares IR version ${model.irVersion}; expected a positive ONNX IR version.`);
  }
  const locations = listExternalLocations(model);
  if (locations.length > 0) resolveExternalData(model, options.externalFiles ?? new Map());
  checkModelStructure(model);
  checkWeightPayloads(model);
  return model;
}

export { listExternalLocations };
