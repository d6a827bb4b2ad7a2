import type { Runtime } from '../runtime/types';
import type { CancelFlag } from '../core/util/cancel-flag';

/** What a command may touch besides the file system: output streams, cancellation, the runtime. */
export interface CliEnv {
  stdout(text: string): void;
  stderr(text: string): void;
  signal?: AbortSignal;
  /** Raised by the main thread on Ctrl-C; kernels see it mid-loop, where the signal cannot flip. */
  cancelFlag?: CancelFlag;
  /** The runtime for bench and eval; created on first use so inspect never loads onnxruntime. */
  runtime(): Promise<Runtime>;
}
