import type { TensorData } from '../../evaluate/tensor-data';
import { channelRows, convPatchRows, convPlacement, featureRows } from './conv-patches';
import type { RefitLayer } from './reconstruct-targets';

/** One group's rows for the fit: the layer's input features and the teacher's matching outputs. */
export interface GroupRows {
  x: Float32Array | ArrayLike<number>;
  y: Float32Array | ArrayLike<number>;
}

const isIdentity = (layer: RefitLayer): boolean => layer.teacherChannels === layer.groups * layer.n && layer.outputChannels.every((c, i) => c === i);

/**
 * The rows one sample gives each group of a layer: for MatMul/Gemm the input's rows and the
 * teacher's output features the student kept; for a Conv the im2col windows of the student's
 * input and, per output pixel, the teacher's values of the channels the student kept. A reason
 * when the tensors do not fit the layer.
 */
export function layerRows(layer: RefitLayer, x: TensorData, y: TensorData): GroupRows[] | string {
  const xs = x.data as Float32Array;
  const ys = y.data as Float32Array;
  if (layer.kind === 'linear') {
    if (isIdentity(layer)) return [{ x: xs, y: ys }];
    if (ys.length % layer.teacherChannels !== 0) return `the teacher output of ${ys.length} values does not make rows of ${layer.teacherChannels}`;
    return [{ x: xs, y: featureRows(ys, layer.teacherChannels, layer.outputChannels) }];
  }
  const geometry = layer.conv!;
  const placed = convPlacement(geometry, x.dims);
  if (typeof placed === 'string') return placed;
  if (placed.channels !== geometry.groups * (layer.k / (geometry.kernel[0] * geometry.kernel[1]))) return `its input has ${placed.channels} channels, expected ${layer.k / (geometry.kernel[0] * geometry.kernel[1])} per group`;
  const want = [placed.batch, layer.teacherChannels, placed.outHeight, placed.outWidth];
  if (y.dims.join() !== want.join()) return `the teacher output is [${y.dims.join(', ')}], expected [${want.join(', ')}]`;
  return Array.from({ length: geometry.groups }, (_, g) => ({
    x: convPatchRows(xs, placed, geometry, g),
    y: channelRows(ys, y.dims, layer.outputChannels.slice(g * layer.n, (g + 1) * layer.n)),
  }));
}
