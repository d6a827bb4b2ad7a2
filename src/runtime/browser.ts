import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import { createOrtRuntime, type LogCapture } from './ort-runtime';
import type { Runtime } from './types';

/** What the browser host can do, probed once per worker. */
export interface BrowserCapabilities {
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  webgpu: boolean;
}

/** Most WASM threads we ask for: more rarely helps small models and costs memory per thread. */
export const MAX_WASM_THREADS = 4;

/** WASM threads need SharedArrayBuffer, which browsers grant only to cross-origin isolated pages. */
export function wasmThreadsFor(caps: BrowserCapabilities, cap = MAX_WASM_THREADS): number {
  if (!caps.crossOriginIsolated) return 1;
  return Math.max(1, Math.min(cap, Math.floor(caps.hardwareConcurrency) || 1));
}

interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

/** Probes the current global scope (window or worker). WebGPU counts only when an adapter is granted. */
export async function probeBrowserCapabilities(): Promise<BrowserCapabilities> {
  const nav = globalThis.navigator as (Navigator & { gpu?: GpuLike }) | undefined;
  let webgpu = false;
  if (nav?.gpu) {
    try {
      webgpu = (await nav.gpu.requestAdapter()) != null;
    } catch {
      webgpu = false;
    }
  }
  return {
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    hardwareConcurrency: nav?.hardwareConcurrency ?? 1,
    webgpu,
  };
}

/**
 * The runtime for a browser worker: onnxruntime-web's WebGPU build, loaded on demand (so it
 * never enters the main bundle), with its .mjs/.wasm served by the app itself, not a CDN.
 */
export async function createBrowserRuntime(caps?: BrowserCapabilities, threads?: number): Promise<Runtime> {
  const probed = caps ?? (await probeBrowserCapabilities());
  // Before onnxruntime loads: its WASM module binds the console functions when it starts.
  const logCapture = captureConsole();
  const ort = await import('onnxruntime-web/webgpu');
  const base = globalThis.location?.href;
  ort.env.wasm.wasmPaths = { wasm: new URL(ortWasmUrl, base).href, mjs: new URL(ortMjsUrl, base).href };
  const maxThreads = threads ?? wasmThreadsFor(probed);
  ort.env.wasm.numThreads = maxThreads;
  return createOrtRuntime(ort, { webgpu: probed.webgpu, maxThreads, logCapture });
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;

/** A console argument as text, without throwing (String() throws on a null-prototype object). */
function asText(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * Wraps this worker's console so onnxruntime's log lines can be collected while a capture runs;
 * outside a capture everything passes through. During one, onnxruntime's verbose and info lines
 * are held back (the verbose level asked for would flood the console); everything else passes.
 */
function captureConsole(): LogCapture {
  let lines: string[] | undefined;
  for (const method of CONSOLE_METHODS) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      if (lines) {
        const text = args.map(asText).join(' ');
        lines.push(text);
        if (/\[[VI]:onnxruntime/.test(text)) return;
      }
      original(...args);
    };
  }
  return {
    start: () => {
      lines = [];
    },
    stop: () => {
      const got = lines ?? [];
      lines = undefined;
      return got;
    },
  };
}
