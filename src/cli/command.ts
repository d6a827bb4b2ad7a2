import type { CliEnv } from './cli-env';
import type { ExitCode } from './exit-codes';

export interface Command {
  run(argv: string[], env: CliEnv): Promise<ExitCode>;
}
