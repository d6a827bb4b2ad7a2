import type { ModelIR } from '../ir/model';
import { dtypeName, type DTypeName } from '../ir/dtype';
import type { TensorShapeProto_Dimension, ValueInfoProto } from '../onnx/schema';

/**
 * A model input or output as the evaluation code needs it. Compatible with the summary's
 * `{name, dtype, shape}` and with the runtime's IO info: a dim is a size, a symbolic name,
 * or unknown (null, '' or '?').
 */
export interface IOSpecLike {
  name: string;
  dtype: DTypeName | string;
  /** Null or undefined when the model declares no shape at all. */
  shape: readonly (number | string | null)[] | null | undefined;
}

function dimOf(d: TensorShapeProto_Dimension): number | string | null {
  if (d.value.case === 'dimValue') return Number(d.value.value);
  if (d.value.case === 'dimParam') return d.value.value;
  return null;
}

/** The declared dtype and shape of a value; non-tensor values get dtype 'undefined'. */
export function ioSpecOf(v: ValueInfoProto): IOSpecLike {
  const t = v.type?.value;
  if (t?.case !== 'tensorType') return { name: v.name, dtype: 'undefined', shape: undefined };
  return {
    name: v.name,
    dtype: dtypeName(t.value.elemType),
    shape: t.value.shape ? t.value.shape.dim.map((d) => dimOf(d)) : undefined,
  };
}

/**
 * The inputs a caller must feed: the main graph's inputs minus those that are also
 * initializers (older exporters list weights as inputs with defaults).
 */
export function graphInputSpecs(model: ModelIR): IOSpecLike[] {
  const g = model.graph;
  if (!g) return [];
  const initializers = new Set(g.initializer.map((t) => t.name));
  return g.input.filter((v) => !initializers.has(v.name)).map(ioSpecOf);
}

/** The main graph's declared outputs. */
export function graphOutputSpecs(model: ModelIR): IOSpecLike[] {
  return model.graph ? model.graph.output.map(ioSpecOf) : [];
}
