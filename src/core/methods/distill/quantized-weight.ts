import { DT } from '../../ir/dtype';
import { elementCount, isExternal, makeFloatTensor, makeRawTensor, readFloat32, tensorDims } from '../../ir/tensor';
import type { GraphProto, NodeProto, TensorProto } from '../../onnx/schema';
import { attrInt } from '../../graph/attrs';
import type { StoredWeight } from '../../graph/weight-uses';
import { axisLayout, quantizeInt8 } from '../kernels/quantize-int8';
import { int8ToUint8 } from '../kernels/quantize-uint8';

/** A layer weight stored as int8/uint8 codes behind a DequantizeLinear (int8-weight's form), and its scheme. */
export interface QuantizedWeight {
  dequantize: NodeProto;
  codes: StoredWeight;
  scale: StoredWeight;
  zeroPoint: StoredWeight | undefined;
  /** Per-channel axis (normalised to be non-negative); undefined for one scale per tensor. */
  axis: number | undefined;
  unsigned: boolean;
  /** Every zero point is the type's middle (0 for int8, 128 for uint8). */
  symmetric: boolean;
}

/** The codes of an int8/uint8 tensor as numbers. */
export function readCodes(t: TensorProto): Int16Array {
  const n = elementCount(t);
  const out = new Int16Array(n);
  const raw = t.rawData;
  const unsigned = t.dataType === DT.UINT8;
  if (raw.byteLength === n) {
    for (let i = 0; i < n; i++) out[i] = unsigned ? raw[i]! : (raw[i]! << 24) >> 24;
  } else {
    for (let i = 0; i < n; i++) out[i] = t.int32Data[i] ?? 0;
  }
  return out;
}

/**
 * The DequantizeLinear that feeds `value` to `reader` alone, with stored int8/uint8 codes, float
 * scales and zero points; a reason when the value comes from one this refit cannot requantize;
 * undefined when no DequantizeLinear makes it.
 */
export function findQuantizedWeight(graph: GraphProto, value: string, reader: NodeProto, stored: ReadonlyMap<string, StoredWeight>): QuantizedWeight | string | undefined {
  const dq = graph.node.find((n) => n.output[0] === value);
  if (!dq || dq.opType !== 'DequantizeLinear' || (dq.domain !== '' && dq.domain !== 'ai.onnx')) return undefined;
  const readers = graph.node.filter((n) => n.input.includes(value));
  if (readers.length !== 1 || readers[0] !== reader || graph.output.some((o) => o.name === value)) return 'its dequantized weight is also read elsewhere';
  const codes = stored.get(dq.input[0] ?? '');
  const scale = stored.get(dq.input[1] ?? '');
  const zeroPoint = dq.input[2] ? stored.get(dq.input[2]) : undefined;
  const type = codes?.tensor.dataType;
  if (!codes || (type !== DT.INT8 && type !== DT.UINT8) || isExternal(codes.tensor)) return 'its codes are not a stored int8/uint8 tensor';
  if (!scale || scale.tensor.dataType !== DT.FLOAT || (dq.input[2] && (!zeroPoint || zeroPoint.tensor.dataType !== type))) return 'its scales or zero points are not stored tensors of the expected types';
  if (attrInt(dq, 'block_size')) return 'it is block-quantized';
  if (!zeroPoint && type === DT.UINT8) return 'its uint8 codes have no zero point';
  const own = [codes, scale, zeroPoint].every((w) => !w || (w.uses.every((u) => u.node === dq) && !w.isGraphOutput && !w.isGraphInput));
  if (!own) return 'its codes, scales or zero points are shared with other nodes';
  const rank = tensorDims(codes.tensor).length;
  const perAxis = elementCount(scale.tensor) > 1 || tensorDims(scale.tensor).length === 1;
  const rawAxis = attrInt(dq, 'axis') ?? 1;
  const axis = perAxis ? (rawAxis < 0 ? rawAxis + rank : rawAxis) : undefined;
  const unsigned = type === DT.UINT8;
  const middle = unsigned ? 128 : 0;
  const symmetric = !zeroPoint || [...readCodes(zeroPoint.tensor)].every((z) => z === middle);
  return { dequantize: dq, codes, scale, zeroPoint, axis, unsigned, symmetric };
}

/** The weight DequantizeLinear gives: (code - zero point) * scale, per channel of the axis. */
export function dequantizedValues(codes: TensorProto, scale: TensorProto, zeroPoint: TensorProto | undefined, axis: number | undefined): Float32Array<ArrayBuffer> {
  const q = readCodes(codes);
  const s = readFloat32(scale);
  const z = zeroPoint ? readCodes(zeroPoint) : new Int16Array(s.length);
  const { channels, inner } = axisLayout(tensorDims(codes), axis);
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) {
    const c = Math.floor(i / inner) % channels;
    out[i] = Math.fround((q[i]! - z[c]!) * s[c]!);
  }
  return out;
}

/** Float weights requantized in the layer's own scheme (type, axis, symmetry): the three tensors under their names, and what they dequantize to. */
export function requantize(values: Float32Array, q: QuantizedWeight): { codes: TensorProto; scale: TensorProto; zeroPoint: TensorProto | undefined; dequantized: Float32Array } {
  const dims = tensorDims(q.codes.tensor);
  const int8 = quantizeInt8(values, axisLayout(dims, q.axis), q.symmetric);
  const r = q.unsigned ? int8ToUint8(int8) : int8;
  const type = q.unsigned ? DT.UINT8 : DT.INT8;
  const bytes = (a: Int8Array<ArrayBuffer> | Uint8Array<ArrayBuffer>) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const codes = makeRawTensor(q.codes.name, type, dims, bytes(r.values));
  const scale = makeFloatTensor(q.scale.name, tensorDims(q.scale.tensor), r.scales);
  const zeroPoint = q.zeroPoint ? makeRawTensor(q.zeroPoint.name, type, tensorDims(q.zeroPoint.tensor), bytes(r.zeroPoints)) : undefined;
  return { codes, scale, zeroPoint, dequantized: dequantizedValues(codes, scale, zeroPoint, q.axis) };
}
