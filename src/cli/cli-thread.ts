/**
 * The thread a CLI command runs in (started by main.ts). Its output goes to the main thread as
 * messages, and an `abort` message cancels the command at its next check.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runCli } from './run';
import type { CommandThreadData, FromCommandThread, ToCommandThread } from './cli-thread-messages';

const port = parentPort!;
const { argv, debug, cancelFlag } = workerData as CommandThreadData;
const controller = new AbortController();
const send = (message: FromCommandThread): void => port.postMessage(message);

port.on('message', (m: ToCommandThread) => {
  if (m.kind === 'abort') controller.abort();
});

const code = await runCli(
  argv,
  {
    stdout: (text) => send({ kind: 'stdout', text }),
    stderr: (text) => send({ kind: 'stderr', text }),
    signal: controller.signal,
    cancelFlag,
    runtime: async () => (await import('../runtime/node')).createNodeRuntime(),
  },
  debug,
);
send({ kind: 'done', code });
