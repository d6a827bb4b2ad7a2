import type { Runtime } from '../runtime/types';

/** What a command may touch besides the file system: output streams, cancellation, the runtime. */
export interface CliEnv {
  stdout(text: string): void;
  stderr(text: string): void;
  signal?: AbortSignal;
  /** The runtime for bench and eval; created on first use so inspect never loads onnxruntime. */
  runtime(): Promise<Runtime>;
}
