import { afterEach, describe, expect, it } from 'vitest';
import { channelWorker } from './channel-worker';
import { createWorkerClient } from '../../src/ui/services/worker-client';

type Api = { echo(x: number): number; slow(): Promise<never> };

/** The stand-in worker's API: `slow` never returns. */
const API: Api = { echo: (x) => x * 2, slow: () => new Promise<never>(() => undefined) };

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});

describe('worker client', () => {
  it('starts one worker lazily and reuses it', async () => {
    const { spawn, made } = channelWorker(API);
    const client = createWorkerClient<Api>(spawn);
    cleanups.push(() => client.cancel());
    expect(made).toHaveLength(0);
    expect(await client.run((w) => w.echo(2))).toBe(4);
    expect(await client.run((w) => w.echo(5))).toBe(10);
    expect(made).toHaveLength(1);
  });

  it('cancel terminates the worker, rejects the pending job with AbortError, and the next job gets a fresh worker', async () => {
    const { spawn, made } = channelWorker(API);
    const client = createWorkerClient<Api>(spawn);
    cleanups.push(() => client.cancel());
    const pending = client.run((w) => w.slow());
    client.cancel();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(made[0]!.terminated).toBe(true);
    expect(await client.run((w) => w.echo(1))).toBe(2);
    expect(made).toHaveLength(2);
    expect(made[1]!.terminated).toBe(false);
  });

  it('cancel with no job pending keeps the idle worker', async () => {
    const { spawn, made } = channelWorker(API);
    const client = createWorkerClient<Api>(spawn);
    cleanups.push(() => client.cancel());
    await client.run((w) => w.echo(1));
    client.cancel();
    expect(made[0]!.terminated).toBe(false);
    expect(await client.run((w) => w.echo(3))).toBe(6);
    expect(made).toHaveLength(1);
  });
});
