import type { Feeds } from '../core/evaluate/tensor-data';
import type { Backend } from '../core/device/backend';
import type { NodePlacements } from '../core/device/node-placements';

export type { Backend };

export interface SessionOptions {
  backend?: Backend;
  /** WASM threads; 1 unless the host is cross-origin isolated (browser) or says otherwise. */
  threads?: number;
  /** Ask onnxruntime which provider each node landed on (hosts that can read its log only). */
  placements?: boolean;
  /** External data files the model's `location` entries name, by that path. */
  externalData?: readonly ExternalDataInput[];
}

/** One external data file handed to onnxruntime with the model bytes. */
export interface ExternalDataInput {
  path: string;
  data: Uint8Array;
}

export interface IOInfo {
  name: string;
  dtype: string;
  dims: (number | string)[];
}

/** A loaded model. Calls are serialised: onnxruntime-web sessions must not run concurrently. */
export interface ModelSession {
  readonly backend: Backend;
  /** WASM threads the runtime actually uses (the request capped by the host; fixed once WASM starts). */
  readonly threads?: number;
  readonly inputs: IOInfo[];
  readonly outputs: IOInfo[];
  /**
   * The last run's own time in ms, for sessions that run elsewhere (a worker thread): measured
   * where the model ran, without the message round trip. Absent for in-process sessions.
   */
  readonly lastRunMs?: number;
  /** Where onnxruntime placed the nodes, when asked for and the host could read it. */
  readonly placements?: NodePlacements;
  run(feeds: Feeds, outputNames?: string[]): Promise<Feeds>;
  release(): Promise<void>;
}

/** The runtime seen by the rest of the code: one per host (Node, browser worker). */
export interface Runtime {
  /** Loads model bytes; rejects with a RuntimeError carrying onnxruntime's reason. */
  createSession(bytes: Uint8Array, options?: SessionOptions): Promise<ModelSession>;
  /** Which backends this host can use right now. */
  availableBackends(): Promise<Backend[]>;
}
