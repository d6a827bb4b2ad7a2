import type { ConstantRunner } from '../core/methods/types';
import type { Runtime } from './types';

/**
 * The ConstantRunner a host hands to simplify: each call loads the constant subgraph as a WASM
 * session (the CPU kernels are the reference the folded values must match), runs it without
 * feeds, and releases it. `runtime` is asked for only when a subgraph is to be run, so hosts that
 * load onnxruntime lazily pay nothing for models the core folds alone.
 */
export function constantRunner(runtime: () => Promise<Runtime>): ConstantRunner {
  return async (bytes, outputNames) => {
    const session = await (await runtime()).createSession(bytes, { backend: 'wasm' });
    try {
      return await session.run({}, [...outputNames]);
    } finally {
      await session.release();
    }
  };
}
