import { isFeatherweightError } from '../core/util/errors';
import type { CliEnv } from './cli-env';
import type { Command } from './command';
import { EXIT, exitCodeFor, type ExitCode } from './exit-codes';
import { generalUsage, isCommandName, usageFor, type CommandName } from './help';
import { OutputFileError, UsageError } from './cli-errors';
import { shownMessage } from './shown-path';

/** Commands load on demand, so `inspect` never pulls in onnxruntime or the recipe engine. */
const LOADERS: Record<CommandName, () => Promise<Command>> = {
  inspect: async () => (await import('./commands/inspect')).inspectCommand,
  compress: async () => (await import('./commands/compress')).compressCommand,
  bench: async () => (await import('./commands/bench')).benchCommand,
  eval: async () => (await import('./commands/eval')).evalCommand,
  recipes: async () => (await import('./commands/recipes')).recipesCommand,
  probe: async () => (await import('./commands/probe')).probeCommand,
};

/**
 * Runs one CLI invocation and returns its exit code. Errors become a one-line reason on
 * stderr (a stack trace only for unexpected errors, and only when `debug` is set).
 */
export async function runCli(argv: readonly string[], env: CliEnv, debug = false): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    env.stderr(generalUsage());
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    env.stdout(usageFor(rest[0]));
    return EXIT.ok;
  }
  try {
    if (!isCommandName(name)) throw new UsageError(`Unknown command '${name}'.`);
    const command = await LOADERS[name]();
    return await command.run([...rest], env);
  } catch (e) {
    if (e instanceof UsageError) {
      env.stderr(`featherweight: ${shownMessage(e.message)}\n\n${usageFor(e.command)}`);
    } else if (isFeatherweightError(e)) {
      env.stderr(`featherweight: ${e.name}: ${shownMessage(e.message)}`);
    } else if (e instanceof OutputFileError) {
      env.stderr(`featherweight: ${shownMessage(e.message)}`);
    } else {
      env.stderr(`featherweight: unexpected error: ${e instanceof Error ? e.message : String(e)}`);
      if (debug && e instanceof Error && e.stack) env.stderr(e.stack);
    }
    return exitCodeFor(e);
  }
}
