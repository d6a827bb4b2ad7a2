/**
 * A cancellation flag that a synchronous loop can see. An AbortSignal only flips when its
 * thread's event loop runs the abort, which never happens while a kernel holds that thread; one
 * Int32 in a SharedArrayBuffer, written by another thread (the CLI's main thread, the studio's
 * page) and read with Atomics.load, is seen at once. Where shared memory is unavailable (a page
 * that is not cross-origin isolated) the flag lives in plain memory and only its own thread can
 * raise it; hosts then rely on the signal (and on ending the worker) as before.
 */
export type CancelFlag = Int32Array<ArrayBufferLike>;

/** A lowered flag, on shared memory where the host has it. */
export function createCancelFlag(): CancelFlag {
  return new Int32Array(typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(4) : new ArrayBuffer(4));
}

/** Whether the flag lives in shared memory, so that raising it in one thread is seen in another. */
export function isSharedCancelFlag(flag: CancelFlag): boolean {
  return typeof SharedArrayBuffer === 'function' && flag.buffer instanceof SharedArrayBuffer;
}

export function raiseCancelFlag(flag: CancelFlag): void {
  Atomics.store(flag, 0, 1);
}

export function cancelFlagRaised(flag: CancelFlag): boolean {
  return Atomics.load(flag, 0) !== 0;
}
