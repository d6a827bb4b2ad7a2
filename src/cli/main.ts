/** Node entry of the CLI: `npm run -s cli -- <command>` or `featherweight <command>`. */
import { runCli } from './run';
import { EXIT } from './exit-codes';

const controller = new AbortController();
// Ctrl-C cancels the running command, which stops at its next check and exits 130 (AbortError).
// A second Ctrl-C exits at once, without waiting for that check.
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(EXIT.aborted);
  process.stderr.write('featherweight: interrupted, stopping (Ctrl-C again to quit at once)\n');
  controller.abort();
});
// A reader that stops early (`| head`) is not an error: stop quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

process.exitCode = await runCli(
  process.argv.slice(2),
  {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
    signal: controller.signal,
    runtime: async () => (await import('../runtime/node')).createNodeRuntime(),
  },
  Boolean(process.env.FEATHERWEIGHT_DEBUG),
);
