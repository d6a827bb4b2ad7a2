import { graph, model, node, valueInfo } from '../ir/build';
import { DT } from '../ir/dtype';
import type { ModelIR } from '../ir/model';
import type { Feeds } from '../evaluate/tensor-data';

/**
 * Models for measuring a backend rather than a network. Their big tensors are made inside the
 * graph by Expand from scalar inputs, so a run moves only a few bytes in and out: the time is
 * spent on the device (WASM heap or GPU), not copying feeds and outputs. Sizes come in as shape
 * inputs, so one session serves every size. Each ends in a ReduceMax to one number, which also
 * checks that the work was really done (see the expected values below).
 */

/** C = A·B with A = Expand(a) [n, n] and B = Expand(b) [n, n], reduced to max(C). */
export function matmulProbeModel(): ModelIR {
  return model(
    graph({
      name: 'matmul_probe',
      nodes: [
        node('Expand', ['a', 'shape'], ['A']),
        node('Expand', ['b', 'shape'], ['B']),
        node('MatMul', ['A', 'B'], ['C']),
        node('ReduceMax', ['C'], ['y'], { keepdims: 0 }),
      ],
      inputs: [valueInfo('a', DT.FLOAT, [1, 1]), valueInfo('b', DT.FLOAT, [1, 1]), valueInfo('shape', DT.INT64, [2])],
      outputs: [valueInfo('y', DT.FLOAT, [])],
    }),
  );
}

/** Feeds for an n x n x n product: A all ones and B all 1/n, so every element of C (and y) is 1. */
export function matmulProbeFeeds(n: number): Feeds {
  return {
    a: { dtype: 'float32', dims: [1, 1], data: Float32Array.of(1) },
    b: { dtype: 'float32', dims: [1, 1], data: Float32Array.of(1 / n) },
    shape: { dtype: 'int64', dims: [2], data: BigInt64Array.of(BigInt(n), BigInt(n)) },
  };
}

/** Floating-point operations of one matmul probe run (a multiply and an add per MAC). */
export function matmulProbeFlops(n: number): number {
  return 2 * n * n * n;
}

/** X = Expand(s) [n], Y = X + s, y = max(Y): a write, a read and write, and a read of n floats. */
export function streamProbeModel(): ModelIR {
  return model(
    graph({
      name: 'stream_probe',
      nodes: [node('Expand', ['s', 'shape'], ['X']), node('Add', ['X', 's'], ['Y']), node('ReduceMax', ['Y'], ['y'], { keepdims: 0 })],
      inputs: [valueInfo('s', DT.FLOAT, [1]), valueInfo('shape', DT.INT64, [1])],
      outputs: [valueInfo('y', DT.FLOAT, [])],
    }),
  );
}

/** Feeds for a stream of n floats with s = 0.5, so y is 1. */
export function streamProbeFeeds(n: number): Feeds {
  return {
    s: { dtype: 'float32', dims: [1], data: Float32Array.of(0.5) },
    shape: { dtype: 'int64', dims: [1], data: BigInt64Array.of(BigInt(n)) },
  };
}

/** Bytes one stream probe run moves: Expand writes 4n, Add reads 4n and writes 4n, ReduceMax reads 4n. */
export function streamProbeBytes(n: number): number {
  return 16 * n;
}

/** What y should be for both probes' feeds; a backend that returns something else did not do the work. */
export const PROBE_EXPECTED_OUTPUT = 1;
