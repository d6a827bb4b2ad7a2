import { DT } from '../../ir/dtype';
import { isExternal, makeFloatTensor, makeRawTensor, readFloat32, tensorDims } from '../../ir/tensor';
import type { NodeProto, TensorProto } from '../../onnx/schema';
import { attrInt } from '../../graph/attrs';
import type { StoredWeight } from '../../graph/weight-uses';
import { blockGrid, dequantizeInt4, INT4_DEFAULT_ZERO_POINT, quantizeInt4, type BlockGrid } from '../kernels/quantize-int4';

/** A MatMulNBits layer's 4-bit weight (int4's form): packed codes, block scales, optional packed zero points. */
export interface NBitsWeight {
  packed: StoredWeight;
  scales: StoredWeight;
  zeroPoints: StoredWeight | undefined;
  grid: BlockGrid;
  /** No zero_points input: every block uses the default 8. */
  symmetric: boolean;
}

const own = (w: StoredWeight | undefined, node: NodeProto): boolean => !!w && !isExternal(w.tensor) && !w.isGraphOutput && !w.isGraphInput && w.uses.every((u) => u.node === node);

/** The weight of a 4-bit MatMulNBits whose tensors only it reads, or why this refit cannot requantize it. */
export function findNBitsWeight(node: NodeProto, stored: ReadonlyMap<string, StoredWeight>): NBitsWeight | string {
  const bits = attrInt(node, 'bits') ?? 4;
  const k = attrInt(node, 'K');
  const n = attrInt(node, 'N');
  const blockSize = attrInt(node, 'block_size');
  if (bits !== 4 || !k || !n || !blockSize) return `a MatMulNBits with bits ${bits} or without K, N and block_size`;
  if (node.input.length > 4 && node.input.slice(4).some(Boolean)) return 'a MatMulNBits with g_idx or bias inputs';
  const packed = stored.get(node.input[1] ?? '');
  const scales = stored.get(node.input[2] ?? '');
  const zeroPoints = node.input[3] ? stored.get(node.input[3]) : undefined;
  if (!own(packed, node) || packed!.tensor.dataType !== DT.UINT8) return 'its packed weight is not a uint8 tensor only it reads';
  if (!own(scales, node) || scales!.tensor.dataType !== DT.FLOAT) return 'its scales are not a float32 tensor only it reads';
  if (node.input[3] && (!own(zeroPoints, node) || zeroPoints!.tensor.dataType !== DT.UINT8)) return 'its zero points are not a uint8 tensor only it reads';
  let grid: BlockGrid;
  try {
    grid = blockGrid(k, n, blockSize);
  } catch {
    return `block size ${blockSize}`;
  }
  if (packed!.tensor.rawData.byteLength !== n * grid.blocks * grid.blobSize) return 'its packed weight does not hold N x blocks x blob bytes';
  return { packed: packed!, scales: scales!, zeroPoints, grid, symmetric: !zeroPoints };
}

/** The per-block zero points (unpacked, 8 when there is no zero_points tensor). */
function unpackZeroPoints(t: TensorProto | undefined, grid: BlockGrid): Uint8Array {
  const { n: N, blocks } = grid;
  const out = new Uint8Array(N * blocks).fill(INT4_DEFAULT_ZERO_POINT);
  if (!t) return out;
  const perColumn = Math.ceil(blocks / 2);
  const raw = t.rawData;
  for (let n = 0; n < N; n++) for (let b = 0; b < blocks; b++) out[n * blocks + b] = (raw[n * perColumn + (b >> 1)]! >> ((b & 1) * 4)) & 0xf;
  return out;
}

/** The [K, N] weight the runtime computes with. */
export function nbitsValues(packed: TensorProto, scales: TensorProto, zeroPoints: TensorProto | undefined, grid: BlockGrid): Float32Array<ArrayBuffer> {
  return dequantizeInt4({ grid, packed: packed.rawData, scales: readFloat32(scales), zeroPoints: unpackZeroPoints(zeroPoints, grid) });
}

/** A [K, N] float weight requantized in the layer's own block size and symmetry: its tensors under their names, and what they dequantize to. */
export function requantizeNBits(values: Float32Array, q: NBitsWeight): { packed: TensorProto; scales: TensorProto; zeroPoints: TensorProto | undefined; dequantized: Float32Array } {
  const r = quantizeInt4({ data: values, k: q.grid.k, n: q.grid.n, transposed: false }, { blockSize: q.grid.blockSize, symmetric: q.symmetric });
  const packed = makeRawTensor(q.packed.name, DT.UINT8, tensorDims(q.packed.tensor), r.packed);
  const scales = makeFloatTensor(q.scales.name, tensorDims(q.scales.tensor), r.scales);
  const zeroPoints = q.zeroPoints && r.packedZeroPoints ? makeRawTensor(q.zeroPoints.name, DT.UINT8, tensorDims(q.zeroPoints.tensor), r.packedZeroPoints) : undefined;
  return { packed, scales, zeroPoints, dequantized: dequantizeInt4({ grid: r.grid, packed: r.packed, scales: r.scales, zeroPoints: r.zeroPoints }) };
}
