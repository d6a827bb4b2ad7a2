/** Marks a method, or a variant made with one, whose operators WebGPU lacks. */
export function CpuOnlyBadge() {
  return (
    <span className="badge warn" data-testid="cpu-only" title="Its operators have no WebGPU kernels: on WebGPU they run on the CPU instead.">
      CPU only, falls back off WebGPU
    </span>
  );
}
