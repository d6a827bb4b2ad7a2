import { gzipSync } from 'fflate';
import { analyzeModel } from '../analyze/summary';
import type { ModelIR } from '../ir/model';
import { elementCount } from '../ir/tensor';
import { listWeights } from '../ir/walk';
import { storedBytes } from '../methods/stored-bytes';

/** Sizes of a whole model, measured the same way before and after every step. */
export interface ModelTotals {
  /** Elements of every stored tensor (initializers and Constant values, subgraphs included), any dtype. */
  parameters: number;
  /** Estimated multiply-accumulates of Conv, MatMul and Gemm in the main graph (symbolic dims as 1). */
  macs: number;
  /** Bytes of every stored tensor. */
  storedBytes: number;
  /** Size of the encoded model after gzip (level 6): roughly what a download over HTTP costs. */
  gzipBytes: number;
}

/** The totals of `model`, whose encoded bytes are `encoded`. */
export function modelTotals(model: ModelIR, encoded: Uint8Array): ModelTotals {
  return {
    parameters: listWeights(model).reduce((n, w) => n + elementCount(w.tensor), 0),
    macs: analyzeModel(model, encoded.byteLength).macs.total,
    storedBytes: storedBytes(model),
    gzipBytes: gzipSync(encoded, { level: 6 }).byteLength,
  };
}
