import type { OpenModel } from '../core/methods/types';
import type { SessionOptions, Runtime } from './types';

/**
 * The OpenModel a host hands to methods that execute the model (int8-static calibration): each
 * call loads the bytes as a session of `runtime`; run returns only the asked-for outputs.
 */
export function modelOpener(runtime: Runtime, options: SessionOptions = {}): OpenModel {
  return async (bytes) => {
    const session = await runtime.createSession(bytes, options);
    return {
      run: (feeds, outputNames) => session.run(feeds, [...outputNames]),
      release: () => session.release(),
    };
  };
}
