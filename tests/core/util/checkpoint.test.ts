import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { cancelFlagRaised, createCancelFlag, isSharedCancelFlag, raiseCancelFlag } from '../../../src/core/util/cancel-flag';
import { checkpointFor, noCheckpoint, rowsPerCheck, CHECK_EVERY } from '../../../src/core/util/checkpoint';
import { AbortError } from '../../../src/core/util/errors';

describe('checkpointFor', () => {
  it('is the no-op checkpoint for a call with nothing to cancel it', () => {
    expect(checkpointFor({})).toBe(noCheckpoint);
    expect(() => checkpointFor({})()).not.toThrow();
  });

  it('throws AbortError once the cancel flag is raised, and not before', () => {
    const flag = createCancelFlag();
    const check = checkpointFor({ cancelFlag: flag });
    expect(() => check()).not.toThrow();
    raiseCancelFlag(flag);
    expect(cancelFlagRaised(flag)).toBe(true);
    expect(() => check()).toThrow(AbortError);
  });

  it('throws AbortError for an aborted signal, with or without a flag', () => {
    const controller = new AbortController();
    const withFlag = checkpointFor({ signal: controller.signal, cancelFlag: createCancelFlag() });
    const alone = checkpointFor({ signal: controller.signal });
    expect(() => withFlag()).not.toThrow();
    expect(() => alone()).not.toThrow();
    controller.abort();
    expect(() => withFlag()).toThrow(AbortError);
    expect(() => alone()).toThrow(AbortError);
  });

  it('rows per check: about CHECK_EVERY elements, at least one row', () => {
    expect(rowsPerCheck(1024)).toBe(CHECK_EVERY / 1024);
    expect(rowsPerCheck(10 * CHECK_EVERY)).toBe(1);
    expect(rowsPerCheck(0)).toBe(CHECK_EVERY);
  });
});

describe('a cancel flag on shared memory', () => {
  it('lives in a SharedArrayBuffer in Node', () => {
    expect(isSharedCancelFlag(createCancelFlag())).toBe(true);
  });

  it('raised by another thread, stops a synchronous loop that never yields', async () => {
    const flag = createCancelFlag();
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       parentPort.on('message', () => setTimeout(() => Atomics.store(workerData, 0, 1), 20));`,
      { eval: true, workerData: flag },
    );
    await new Promise((ok) => worker.once('online', ok));
    const check = checkpointFor({ cancelFlag: flag });
    worker.postMessage('go');
    // Nothing here awaits: only shared memory can reach this loop. The deadline turns a miss into a failure, not a hang.
    const deadline = Date.now() + 30_000;
    let checks = 0;
    let stopped: unknown;
    try {
      while (Date.now() < deadline) {
        check();
        checks++;
      }
    } catch (e) {
      stopped = e;
    }
    await worker.terminate();
    expect(stopped).toBeInstanceOf(AbortError);
    expect(checks).toBeGreaterThan(0);
  });
});
