/**
 * The few host globals the core uses that ES2023 lacks. Every one exists alike in browsers, Web
 * Workers and Node, so the core runs in all three. tsconfig.core.json type-checks the core with
 * these and ES2023 only (no DOM, no Node types), so `document`, `self` or `Buffer` fail there.
 * The declarations are a subset of lib.dom's; tsconfig.json, which has the real ones, leaves this
 * file out.
 */

interface TextDecodeOptions {
  stream?: boolean;
}

interface TextDecoder {
  readonly encoding: string;
  decode(input?: ArrayBufferView | ArrayBufferLike, options?: TextDecodeOptions): string;
}

declare const TextDecoder: {
  prototype: TextDecoder;
  new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }): TextDecoder;
};

interface TextEncoder {
  readonly encoding: string;
  encode(input?: string): Uint8Array<ArrayBuffer>;
}

declare const TextEncoder: {
  prototype: TextEncoder;
  new (): TextEncoder;
};

/** Only reading a signal: the core never makes one (hosts and tests do). */
interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  throwIfAborted(): void;
}

declare const performance: { now(): number };

declare function setTimeout(handler: () => void, timeout?: number): unknown;

declare function atob(data: string): string;

declare namespace WebAssembly {
  interface Memory {
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  type Exports = Record<string, unknown>;
  class Module {
    constructor(bytes: ArrayBufferView | ArrayBuffer);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Exports;
  }
  function validate(bytes: ArrayBufferView | ArrayBuffer): boolean;
}

/** Just enough of the Streams API to feed a CompressionStream and count what comes out. */
interface WritableStreamDefaultWriter<W> {
  readonly ready: Promise<void>;
  write(chunk: W): Promise<void>;
  close(): Promise<void>;
  abort(reason?: unknown): Promise<void>;
}

interface ReadableStreamDefaultReader<R> {
  read(): Promise<{ done: true; value?: undefined } | { done: false; value: R }>;
}

interface CompressionStream {
  readonly writable: { getWriter(): WritableStreamDefaultWriter<ArrayBufferView<ArrayBuffer>> };
  readonly readable: { getReader(): ReadableStreamDefaultReader<Uint8Array> };
}

declare const CompressionStream: {
  prototype: CompressionStream;
  new (format: 'gzip' | 'deflate' | 'deflate-raw'): CompressionStream;
};

/** Web Crypto's digest, the one part of `crypto` the core uses (model identity). */
declare const crypto: {
  readonly subtle: {
    digest(algorithm: 'SHA-256', data: ArrayBufferView | ArrayBuffer): Promise<ArrayBuffer>;
  };
};
