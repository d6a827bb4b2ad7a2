import type { DTypeName } from '../ir/dtype';

/** Typed arrays a tensor's values may live in. */
export type TensorValues =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | string[];

/** A runtime-independent tensor: what crosses between the core, the runtime adapter and workers. */
export interface TensorData {
  dtype: DTypeName;
  dims: number[];
  data: TensorValues;
}

/** Named tensors: model inputs (feeds) or outputs. */
export type Feeds = Record<string, TensorData>;
