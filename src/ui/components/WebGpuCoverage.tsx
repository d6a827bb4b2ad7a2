export function WebGpuCoverage({ unsupportedOps, unsupportedNodes }: { unsupportedOps: readonly string[]; unsupportedNodes: number }) {
  if (unsupportedOps.length === 0) {
    return <p className="coverage ok">✓ Every op runs on onnxruntime-web's WebGPU backend.</p>;
  }
  return (
    <div className="coverage warn">
      <p>
        {unsupportedNodes} node{unsupportedNodes === 1 ? '' : 's'} would fall back from WebGPU to WASM:
      </p>
      <ul className="chips">
        {unsupportedOps.map((op) => (
          <li key={op} className="chip">
            {op}
          </li>
        ))}
      </ul>
    </div>
  );
}
