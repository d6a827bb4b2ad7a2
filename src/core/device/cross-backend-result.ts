import type { AgreementTolerance, OutputAgreement } from './backend-agreement';
import type { NodePlacements } from './node-placements';

/** The same model run on WASM (the reference) and on WebGPU, output by output. */
export interface CrossBackendResult {
  reference: 'wasm';
  candidate: 'webgpu';
  samples: number;
  tolerance: AgreementTolerance;
  outputs: OutputAgreement[];
  /** True when every output agrees within the tolerance. */
  agree: boolean;
  /**
   * Where onnxruntime placed the WebGPU session's nodes: `fallback` lists those that ran on another
   * provider (WASM/CPU) instead. Absent when the host could not read the placement.
   */
  placement?: { webgpuNodes: number; fallback: NodePlacements['providers'] };
}

/** A cross-backend check with the concrete input shapes it ran on. */
export interface CrossBackendReport extends CrossBackendResult {
  inputShapes: Record<string, number[]>;
}
