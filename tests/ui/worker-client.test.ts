import { afterEach, describe, expect, it } from 'vitest';
import { channelWorker } from './channel-worker';
import { createWorkerClient } from '../../src/ui/services/worker-client';

type Api = { echo(x: number): number; slow(): Promise<never> };

/** The stand-in worker's API: `slow` never returns. */
const API: Api = { echo: (x) => x * 2, slow: () => new Promise<never>(() => undefined) };

let controllers: AbortController[] = [];
/** A signal the test aborts when it wants; afterEach aborts the rest (ending any job still pending). */
const control = (): AbortController => {
  const c = new AbortController();
  controllers.push(c);
  return c;
};
afterEach(() => {
  controllers.forEach((c) => c.abort());
  controllers = [];
});

describe('worker client', () => {
  it('starts one worker lazily and reuses it', async () => {
    const { spawn, made } = channelWorker(API);
    const client = createWorkerClient<Api>(spawn);
    const { signal } = control();
    expect(made).toHaveLength(0);
    expect(await client.run(signal, (w) => w.echo(2))).toBe(4);
    expect(await client.run(signal, (w) => w.echo(5))).toBe(10);
    expect(made).toHaveLength(1);
  });

  it("aborting a pending job's signal terminates the worker, rejects the job with AbortError, and the next job gets a fresh worker", async () => {
    const { spawn, made } = channelWorker(API);
    const client = createWorkerClient<Api>(spawn);
    const job = control();
    const pending = client.run(job.signal, (w) => w.slow());
    job.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(made[0]!.terminated).toBe(true);
    expect(await client.run(control().signal, (w) => w.echo(1))).toBe(2);
    expect(made).toHaveLength(2);
    expect(made[1]!.terminated).toBe(false);
  });

  it('a signal aborted after its job settled keeps the idle worker', async () => {
    const { spawn, made } = channelWorker(API);
    const client = createWorkerClient<Api>(spawn);
    const job = control();
    await client.run(job.signal, (w) => w.echo(1));
    job.abort();
    expect(made[0]!.terminated).toBe(false);
    expect(await client.run(control().signal, (w) => w.echo(3))).toBe(6);
    expect(made).toHaveLength(1);
  });

  it('a job whose signal is already aborted rejects without starting a worker', async () => {
    const { spawn, made } = channelWorker(API);
    const client = createWorkerClient<Api>(spawn);
    const job = control();
    job.abort();
    let ran = false;
    await expect(
      client.run(job.signal, (w) => {
        ran = true;
        return w.echo(1);
      }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(ran).toBe(false);
    expect(made).toHaveLength(0);
  });

  it('stopping the worker rejects every job on it; their own signals later leave the next worker alone', async () => {
    const { spawn, made } = channelWorker(API);
    const client = createWorkerClient<Api>(spawn);
    const first = control();
    const second = control();
    const a = client.run(first.signal, (w) => w.slow());
    const b = client.run(second.signal, (w) => w.slow());
    first.abort();
    await expect(a).rejects.toMatchObject({ name: 'AbortError' });
    await expect(b).rejects.toMatchObject({ name: 'AbortError' });
    const next = client.run(control().signal, (w) => w.slow());
    second.abort();
    expect(made).toHaveLength(2);
    expect(made[1]!.terminated).toBe(false);
    void next.catch(() => undefined);
  });

  it('one signal may guard several jobs at once: aborting it after one settled still stops the other', async () => {
    const { spawn, made } = channelWorker(API);
    const client = createWorkerClient<Api>(spawn);
    const shared = control();
    const quick = client.run(shared.signal, (w) => w.echo(1));
    const pending = client.run(shared.signal, (w) => w.slow());
    expect(await quick).toBe(2);
    shared.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(made[0]!.terminated).toBe(true);
  });
});

describe('a worker that dies on its own', () => {
  it("its error event rejects the pending jobs with WorkerCrashError, and the next job gets a fresh worker", async () => {
    const { spawn, made } = channelWorker(API);
    const client = createWorkerClient<Api>(spawn, 'compression');
    const pending = client.run(control().signal, (w) => w.slow());
    await new Promise((r) => setTimeout(r, 0));
    made[0]!.port.dispatchEvent(Object.assign(new Event('error'), { message: 'Out of memory' }));
    await expect(pending).rejects.toMatchObject({ name: 'WorkerCrashError', message: expect.stringMatching(/^The compression worker stopped unexpectedly \(Out of memory\)/) });
    expect(made[0]!.terminated).toBe(true);
    expect(await client.run(control().signal, (w) => w.echo(4))).toBe(8);
    expect(made).toHaveLength(2);
  });

  it('a messageerror does the same; an event from a worker already replaced changes nothing', async () => {
    const { spawn, made } = channelWorker(API);
    const client = createWorkerClient<Api>(spawn, 'measurement');
    const first = client.run(control().signal, (w) => w.slow());
    made[0]!.port.dispatchEvent(new Event('messageerror'));
    await expect(first).rejects.toMatchObject({ name: 'WorkerCrashError', message: expect.stringContaining('could not be read') });
    const second = client.run(control().signal, (w) => w.echo(2));
    made[0]!.port.dispatchEvent(new Event('error'));
    expect(await second).toBe(4);
    expect(made[1]!.terminated).toBe(false);
  });
});
