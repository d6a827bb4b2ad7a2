import { DT } from '../../ir/dtype';
import { patch } from '../../ir/edit';
import { elementCount, isExternal, readFloat32 } from '../../ir/tensor';
import type { TensorProto } from '../../onnx/schema';
import { convertRawToFloat16, convertToFloat16, type Float16Conversion } from '../kernels/float16';
import type { LayerError } from '../types';
import { noCheckpoint, type Checkpoint } from '../../util/checkpoint';
import type { OUT_OF_RANGE_CHOICES } from '../declarations/fp16-weight';

/** What to do with a tensor holding finite values beyond ±65504 (the choices are declared with the options). */
export type OutOfRange = (typeof OUT_OF_RANGE_CHOICES)[number];

export interface HalfTensor {
  /** The float16 tensor (same dims, doc string and metadata as the original). */
  tensor: TensorProto;
  conversion: Float16Conversion;
}

/** A float32 tensor as float16 under `name`, values beyond ±65504 clamped when `clamp`. */
export function toHalfTensor(t: TensorProto, name: string, clamp: boolean, check: Checkpoint = noCheckpoint): HalfTensor {
  const n = elementCount(t);
  // Raw float32 bytes are converted where they lie (views into the model file); float_data and the rest via readFloat32.
  const conversion =
    t.dataType === DT.FLOAT && !isExternal(t) && t.rawData.byteLength >= n * 4 ? convertRawToFloat16(t.rawData, n, clamp, { check }) : convertToFloat16(readFloat32(t, check), clamp, { check });
  const rawData = new Uint8Array(conversion.bits.buffer, conversion.bits.byteOffset, conversion.bits.byteLength);
  return { tensor: patch(t, { name, dataType: DT.FLOAT16, rawData, floatData: [] }), conversion };
}

/** The per-layer record of one conversion. */
export function halfLayerError(name: string, c: Float16Conversion): LayerError {
  return { name, maxAbsError: c.maxAbsError, meanAbsError: c.meanAbsError, sqnrDb: c.sqnrDb };
}

/** Collects the warnings a run of conversions deserves: clamping and flushing name the tensors and counts. */
export class HalfConversionNotes {
  private readonly clamped: string[] = [];
  private readonly flushed: string[] = [];
  private readonly nonFinite: string[] = [];
  private readonly keptFloat: string[] = [];
  private sampled = 0;

  /** A tensor left float32 because `count` of its values lie beyond the float16 range. */
  keep(name: string, count: number): void {
    this.keptFloat.push(`'${name}' (${count} value${count === 1 ? '' : 's'})`);
  }

  add(name: string, c: Float16Conversion): void {
    if (c.clamped > 0) this.clamped.push(`'${name}' (${c.clamped} value${c.clamped === 1 ? '' : 's'})`);
    if (c.flushed > 0) this.flushed.push(`'${name}' (${c.flushed})`);
    if (c.nonFinite > 0) this.nonFinite.push(`'${name}' (${c.nonFinite})`);
    if (c.sampled) this.sampled++;
  }

  warnings(sampleLimit: number): string[] {
    const list = (items: string[]): string => `${items.slice(0, 8).join(', ')}${items.length > 8 ? `, and ${items.length - 8} more` : ''}`;
    const out: string[] = [];
    if (this.keptFloat.length > 0) {
      out.push(`Kept ${this.keptFloat.length} tensor(s) float32 because they hold values beyond the float16 range (±65504): ${list(this.keptFloat)}.`);
    }
    if (this.clamped.length > 0) out.push(`Clamped values outside the float16 range to ±65504 in ${this.clamped.length} tensor(s): ${list(this.clamped)}.`);
    if (this.flushed.length > 0) out.push(`Non-zero values below the float16 range (|x| <= 2^-25) became 0 in ${this.flushed.length} tensor(s): ${list(this.flushed)}.`);
    if (this.nonFinite.length > 0) out.push(`Kept NaN or infinite values as they were in ${this.nonFinite.length} tensor(s): ${list(this.nonFinite)}.`);
    if (this.sampled > 0) out.push(`Error figures of ${this.sampled} tensor(s) over ${sampleLimit} elements come from a strided sample of each.`);
    return out;
  }
}
