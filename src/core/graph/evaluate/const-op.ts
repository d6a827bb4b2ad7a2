import type { NodeProto } from '../../onnx/schema';
import { DT } from '../../ir/dtype';
import type { ConstTensor } from './const-tensor';

/**
 * One operator over constant inputs. Returns the outputs, or undefined when the operator, its
 * form or its types are outside what is evaluated (the caller then leaves the node alone).
 * `inputs[i]` is undefined for an absent optional input.
 */
export type ConstOp = (node: NodeProto, inputs: readonly (ConstTensor | undefined)[]) => ConstTensor[] | undefined;

export const normAxis = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

/** The values of an int64 or int32 tensor, else undefined. */
export function intValues(t: ConstTensor | undefined): number[] | undefined {
  return t && (t.dataType === DT.INT64 || t.dataType === DT.INT32) ? t.data : undefined;
}

/** Row-major strides of `dims`. */
export function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1]! * dims[i + 1]!;
  return s;
}
