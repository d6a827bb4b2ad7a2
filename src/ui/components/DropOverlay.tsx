export function DropOverlay({ visible, samples = false }: { visible: boolean; samples?: boolean }) {
  if (!visible) return null;
  return (
    <div className="drop-overlay" aria-hidden="true">
      <div className="drop-overlay-card">
        {samples ? 'Drop an .onnx file to open another model, or sample files or a folder to evaluate on' : 'Drop the .onnx file (and its external data) to open it'}
      </div>
    </div>
  );
}
