/**
 * Node entry of the CLI: `npm run -s cli -- <command>` or `featherweight <command>`. The command
 * runs in a worker thread (cli-thread.ts) so that this thread stays free to answer Ctrl-C even
 * while a kernel holds the command's thread for seconds on one big tensor.
 */
import { Worker } from 'node:worker_threads';
import { tsWorkerSource } from '../runtime/ts-worker';
import { EXIT } from './exit-codes';
import { createCancelFlag, raiseCancelFlag } from '../core/util/cancel-flag';
import type { CommandThreadData, FromCommandThread, ToCommandThread } from './cli-thread-messages';

/** After Ctrl-C, how long the command may take to stop at its own next check before its thread is ended. */
const STOP_GRACE_MS = 300;

const cancelFlag = createCancelFlag();
const data: CommandThreadData = { argv: process.argv.slice(2), debug: Boolean(process.env.FEATHERWEIGHT_DEBUG), cancelFlag };
const worker = new Worker(tsWorkerSource(new URL('./cli-thread.ts', import.meta.url).href), { eval: true, workerData: data });
let done = false;

worker.on('message', (m: FromCommandThread) => {
  if (m.kind !== 'done') {
    (m.kind === 'stdout' ? process.stdout : process.stderr).write(`${m.text}\n`);
    return;
  }
  done = true;
  process.exitCode = m.code;
  // Every line came before `done`; whatever the runtime left running in that thread can go.
  void worker.terminate();
});
worker.on('error', (e) => {
  done = true;
  process.stderr.write(`featherweight: unexpected error: ${e.message}\n`);
  if (data.debug && e.stack) process.stderr.write(`${e.stack}\n`);
  process.exitCode = EXIT.failure;
});

/** Ends the command's thread where it stands: its output file is written atomically, so none is left half-made. */
function stopNow(): void {
  if (done) return;
  done = true;
  process.stderr.write('featherweight: AbortError: The operation was cancelled.\n');
  if (data.debug) process.stderr.write(`featherweight: the command did not stop at a check within ${STOP_GRACE_MS} ms; its thread was ended.\n`);
  process.exit(EXIT.aborted);
}

// Ctrl-C asks the command to stop at its next check (exit 130, AbortError): the flag for kernel
// loops, the message for awaits. If its thread is busy past the grace period (native code that
// has no checkpoint), or on a second Ctrl-C, the thread is ended at once.
let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) return stopNow();
  interrupted = true;
  raiseCancelFlag(cancelFlag);
  process.stderr.write('featherweight: interrupted, stopping (Ctrl-C again to quit at once)\n');
  worker.postMessage({ kind: 'abort' } satisfies ToCommandThread);
  setTimeout(stopNow, STOP_GRACE_MS).unref();
});
// A reader that stops early (`| head`) is not an error: stop quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
