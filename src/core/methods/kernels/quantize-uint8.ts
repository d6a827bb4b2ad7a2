/**
 * Uint8 output for the int8 kernel. QuantizeLinear to uint8 is the int8 arithmetic shifted by
 * 128: saturate(round(x / s) + z + 128) over [0, 255] equals saturate(round(x / s) + z) over
 * [-128, 127] plus 128, with the same scale (the range still spans 255 steps). So the uint8 form
 * reuses quantizeInt8 and flips the top bit of every value and zero point.
 */
import { quantizeInt8, type AxisLayout, type Int8Quantized } from './quantize-int8';

export interface Uint8Quantized extends Omit<Int8Quantized, 'values' | 'zeroPoints'> {
  values: Uint8Array<ArrayBuffer>;
  /** One uint8 zero point per channel (128 when symmetric). */
  zeroPoints: Uint8Array<ArrayBuffer>;
}

/** int8 q -> uint8 q + 128, in place on a byte view of the same buffer (two's complement: flip bit 7). */
function shiftToUint8(values: Int8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const n = bytes.length;
  const aligned = values.byteOffset % 4 === 0 ? n >>> 2 : 0;
  if (aligned > 0) {
    const words = new Uint32Array(values.buffer, values.byteOffset, aligned);
    for (let i = 0; i < aligned; i++) words[i] = words[i]! ^ 0x80808080;
  }
  for (let i = aligned * 4; i < n; i++) bytes[i] = bytes[i]! ^ 0x80;
  return bytes;
}

/** Converts an int8 result to the equivalent uint8 one (takes over its buffers). */
export function int8ToUint8(q: Int8Quantized): Uint8Quantized {
  return { ...q, values: shiftToUint8(q.values), zeroPoints: shiftToUint8(q.zeroPoints) };
}

/**
 * Quantizes `x` to uint8 with one scale per channel: symmetric gives zero point 128 and
 * scale = max|x| / 127; asymmetric maps each channel's [min, max] (widened to include 0) onto [0, 255].
 */
export function quantizeUint8(x: Float32Array, layout: AxisLayout, symmetric: boolean): Uint8Quantized {
  return int8ToUint8(quantizeInt8(x, layout, symmetric));
}
