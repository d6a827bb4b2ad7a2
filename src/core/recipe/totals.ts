import { analyzeModel } from '../analyze/summary';
import type { ModelIR } from '../ir/model';
import { elementCount } from '../ir/tensor';
import { listWeights } from '../ir/walk';
import { storedBytes } from '../methods/stored-bytes';
import { checkpointFor } from '../util/checkpoint';
import type { LongCallOptions } from '../util/progress';
import { encodedByteLength, encodedPieces, type EncodedModel } from '../onnx/external-output';

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

/**
 * Bytes gzip is fed at a time; between chunks the call yields, so progress and cancellation get
 * through. 1 MiB takes the native deflate some tens of milliseconds, so Ctrl-C lands well within a
 * second (with 4 MiB and no backpressure it took up to 1.5 s).
 */
export const GZIP_CHUNK_BYTES = 1 << 20;

/**
 * The gzip size of `bytes` (zlib's default level, 6), compressed as one stream fed in chunks.
 * The host's native CompressionStream does the work: on a 200 MB model it took 7 s where
 * fflate's JavaScript deflate took 82 s on the same machine, and gzip must not hold a worker or
 * the CLI for minutes without a way out.
 */
export async function gzipSize(bytes: Uint8Array<ArrayBuffer> | readonly Uint8Array<ArrayBuffer>[], options: LongCallOptions = {}): Promise<number> {
  const pieces = bytes instanceof Uint8Array ? [bytes] : bytes;
  const stream = new CompressionStream('gzip');
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  let size = 0;
  const drained = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      size += value.byteLength;
    }
  })();
  // The pieces (an .onnx file and its external data) are one stream, cut into chunks of at most GZIP_CHUNK_BYTES.
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  for (const p of pieces) for (let at = 0; at < p.byteLength; at += GZIP_CHUNK_BYTES) chunks.push(p.subarray(at, at + GZIP_CHUNK_BYTES));
  const total = chunks.length;
  const check = checkpointFor(options);
  try {
    for (let i = 0; i < total; i++) {
      check();
      if (total > 1) options.onProgress?.({ kind: 'step', phase: 'gzip size', index: i, total });
      // Wait until the stream has taken the previous chunk, so no more than one is queued when an abort comes.
      await writer.ready;
      await writer.write(chunks[i]!);
    }
    await writer.close();
    await drained;
  } catch (e) {
    await writer.abort(e).catch(() => undefined);
    await drained.catch(() => undefined);
    throw e;
  }
  return size;
}

/** The totals of `model`, whose encoded bytes are `encoded` (the .onnx file and, past the inline limit, its external data). */
export async function modelTotals(model: ModelIR, encoded: Uint8Array<ArrayBuffer> | EncodedModel, options: LongCallOptions = {}): Promise<ModelTotals> {
  const output = encoded instanceof Uint8Array ? { model: encoded } : encoded;
  return {
    parameters: listWeights(model).reduce((n, w) => n + elementCount(w.tensor), 0),
    macs: analyzeModel(model, encodedByteLength(output)).macs.total,
    storedBytes: storedBytes(model),
    gzipBytes: await gzipSize(encodedPieces(output), options),
  };
}
