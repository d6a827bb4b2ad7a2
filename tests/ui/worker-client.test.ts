import { afterEach, describe, expect, it } from 'vitest';
import * as Comlink from 'comlink';
import { createWorkerClient } from '../../src/ui/services/worker-client';

/** A Worker stand-in over a MessageChannel, exposing an API whose `slow` call never returns. */
function fakeWorkerFactory() {
  const made: { terminated: boolean; port: MessagePort }[] = [];
  const spawn = (): Worker => {
    const { port1, port2 } = new MessageChannel();
    Comlink.expose({ echo: (x: number) => x * 2, slow: () => new Promise<never>(() => undefined) }, port2);
    const record = { terminated: false, port: port1 };
    made.push(record);
    return Object.assign(port1, {
      terminate() {
        record.terminated = true;
        port1.close();
        port2.close();
      },
    }) as unknown as Worker;
  };
  return { spawn, made };
}

type Api = { echo(x: number): number; slow(): Promise<never> };

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});

describe('worker client', () => {
  it('starts one worker lazily and reuses it', async () => {
    const { spawn, made } = fakeWorkerFactory();
    const client = createWorkerClient<Api>(spawn);
    cleanups.push(() => client.cancel());
    expect(made).toHaveLength(0);
    expect(await client.run((w) => w.echo(2))).toBe(4);
    expect(await client.run((w) => w.echo(5))).toBe(10);
    expect(made).toHaveLength(1);
  });

  it('cancel terminates the worker, rejects the pending job with AbortError, and the next job gets a fresh worker', async () => {
    const { spawn, made } = fakeWorkerFactory();
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
    const { spawn, made } = fakeWorkerFactory();
    const client = createWorkerClient<Api>(spawn);
    cleanups.push(() => client.cancel());
    await client.run((w) => w.echo(1));
    client.cancel();
    expect(made[0]!.terminated).toBe(false);
    expect(await client.run((w) => w.echo(3))).toBe(6);
    expect(made).toHaveLength(1);
  });
});
