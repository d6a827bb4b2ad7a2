import { create } from '@bufbuild/protobuf';
import { OperatorSetIdProtoSchema } from '../onnx/schema';
import { patch } from '../ir/edit';
import { sharedModel, type ModelIR, type ReadonlyModelIR } from '../ir/model';

const DEFAULT_DOMAINS = new Set(['', 'ai.onnx']);

/** The model's ai.onnx opset version, or undefined when it imports none. */
export function defaultOpset(model: ReadonlyModelIR): number | undefined {
  const o = model.opsetImport.find((x) => DEFAULT_DOMAINS.has(x.domain));
  return o ? Number(o.version) : undefined;
}

/** The lowest IR version that may carry a given ai.onnx opset (from the ONNX versioning table). */
function minIrVersion(opset: number): number {
  if (opset >= 21) return 10;
  if (opset >= 19) return 9;
  if (opset >= 15) return 8;
  if (opset >= 13) return 7;
  if (opset >= 11) return 6;
  if (opset >= 10) return 5;
  if (opset >= 9) return 4;
  return 3;
}

/** A copy of the model importing ai.onnx at `version` (and an IR version able to carry it). */
export function withDefaultOpset(model: ReadonlyModelIR, version: number): ModelIR {
  let found = false;
  const opsetImport = sharedModel(model).opsetImport.map((o) => {
    if (!DEFAULT_DOMAINS.has(o.domain)) return o;
    found = true;
    return patch(o, { version: BigInt(version) });
  });
  if (!found) opsetImport.push(create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(version) }));
  const irVersion = model.irVersion < BigInt(minIrVersion(version)) ? BigInt(minIrVersion(version)) : model.irVersion;
  return patch(sharedModel(model), { opsetImport, irVersion });
}
