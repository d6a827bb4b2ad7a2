import { dtypeName } from '../ir/dtype';
import type { ValueInfoProto } from '../onnx/schema';

export interface IOSpec {
  name: string;
  dtype: string;
  /** Dims: numbers, symbolic names, or null when unknown; null when the shape is not declared. */
  shape: (number | string | null)[] | null;
}

export function ioSpec(v: ValueInfoProto): IOSpec {
  const t = v.type?.value;
  if (!t || t.case !== 'tensorType') return { name: v.name, dtype: t?.case ?? 'unknown', shape: null };
  const shape = t.value.shape;
  return {
    name: v.name,
    dtype: dtypeName(t.value.elemType),
    shape: shape
      ? shape.dim.map((d) => (d.value.case === 'dimValue' ? Number(d.value.value) : d.value.case === 'dimParam' ? d.value.value : null))
      : null,
  };
}
