import { attrInt } from '../../graph/attrs';
import type { NodeProto } from '../../onnx/schema';

/**
 * How a weight's elements line up with the sum its operator computes: element index
 * (p * length + c) * inner + q sits at position c of the reduction axis, and multiplies input
 * channel `channelBase(p) + c` of the activation (grouped Convs read a slice of the channels).
 */
export interface ReductionLayout {
  outer: number;
  length: number;
  inner: number;
  channelBase(p: number): number;
  /** Input channels of the activation that `channelBase` indexes. */
  inputChannels: number;
  /** The operator form, so two readers of one weight can be checked to agree. */
  form: string;
}

const product = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);

/** The reduction layout of `dims` read as input 1 of `reader`, or undefined when the form is not one this pass knows. */
export function reductionLayout(reader: NodeProto, dims: readonly number[]): ReductionLayout | undefined {
  const rank = dims.length;
  switch (reader.opType) {
    case 'Conv': {
      if (rank < 3) return undefined;
      const out = dims[0]!;
      const perGroup = dims[1]!;
      const groups = attrInt(reader, 'group') ?? 1;
      if (groups < 1 || out % groups !== 0) return undefined;
      const outPerGroup = out / groups;
      // Reduction over input channels at each kernel position: channel runs have stride kh*kw.
      return { outer: out, length: perGroup, inner: product(dims.slice(2)), channelBase: (p) => Math.floor(p / outPerGroup) * perGroup, inputChannels: perGroup * groups, form: `Conv/${groups}` };
    }
    case 'Gemm': {
      if (rank !== 2) return undefined;
      const transB = (attrInt(reader, 'transB') ?? 0) === 1;
      return transB
        ? { outer: dims[0]!, length: dims[1]!, inner: 1, channelBase: () => 0, inputChannels: dims[1]!, form: 'Gemm/T' }
        : { outer: 1, length: dims[0]!, inner: dims[1]!, channelBase: () => 0, inputChannels: dims[0]!, form: 'Gemm' };
    }
    case 'MatMul': {
      if (rank < 2) return undefined;
      return { outer: product(dims.slice(0, -2)), length: dims[rank - 2]!, inner: dims[rank - 1]!, channelBase: () => 0, inputChannels: dims[rank - 2]!, form: 'MatMul' };
    }
    default:
      return undefined;
  }
}

/** Which axis of the reader's activation input holds the channels the weight reduces over, or undefined when unknown. */
export function activationChannelAxis(reader: NodeProto): 'second' | 'last' | undefined {
  if (reader.opType === 'Conv') return 'second';
  if (reader.opType === 'MatMul') return 'last';
  if (reader.opType === 'Gemm') return (attrInt(reader, 'transA') ?? 0) === 1 ? undefined : 'last';
  return undefined;
}
