/** Node entry of the CLI: `npm run -s cli -- <command>` or `featherweight <command>`. */
import { runCli } from './run';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
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
