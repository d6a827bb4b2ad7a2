import type { Feeds } from '../core/evaluate/tensor-data';
import type { ExternalDataInput, IOInfo } from './types';

/** Messages between createThreadRuntime and its worker thread (thread-host.ts). */
export type ThreadRequest =
  | { id: number; op: 'create'; bytes: Uint8Array; externalData?: readonly ExternalDataInput[] }
  | { id: number; op: 'run'; session: number; feeds: Feeds; outputNames?: string[] }
  | { id: number; op: 'release'; session: number };

export type ThreadResponse =
  | { id: number; ok: false; error: { name: string; message: string } }
  | { id: number; ok: true; session: number; threads: number; inputs: IOInfo[]; outputs: IOInfo[] }
  | { id: number; ok: true; outputs: Feeds; ms: number }
  | { id: number; ok: true };
