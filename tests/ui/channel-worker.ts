import * as Comlink from 'comlink';

/**
 * A Worker stand-in over a MessageChannel that exposes `api` with comlink. Records what the page
 * transfers with each message and which of the spawned workers were terminated.
 */
export function channelWorker(api: object) {
  const transfers: Transferable[][] = [];
  const made: { terminated: boolean; port: MessagePort }[] = [];
  const spawn = (): Worker => {
    const { port1, port2 } = new MessageChannel();
    Comlink.expose(api, port2);
    const record = { terminated: false, port: port1 };
    made.push(record);
    const post = port1.postMessage.bind(port1);
    return Object.assign(port1, {
      postMessage(message: unknown, transfer?: Transferable[]) {
        transfers.push(transfer ?? []);
        post(message, transfer ?? []);
      },
      terminate() {
        record.terminated = true;
        port1.close();
        port2.close();
      },
    }) as unknown as Worker;
  };
  return { spawn, transfers, made };
}
