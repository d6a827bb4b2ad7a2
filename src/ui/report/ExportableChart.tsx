import { useRef, useState, type ReactNode } from 'react';
import { chartSvgText, svgToPng } from './chart-image';
import { saveFile } from '../services/save-file';

/** A chart with SVG and PNG download buttons under it. */
export function ExportableChart({ fileName, children }: { fileName: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const svg = (): { text: string; width: number; height: number } | null => {
    const el = ref.current;
    const text = el && chartSvgText(el);
    if (!el || !text) {
      setError('The chart has not been drawn yet.');
      return null;
    }
    const box = (el.querySelector('svg') ?? el).getBoundingClientRect();
    return { text, width: box.width, height: box.height };
  };
  return (
    <div className="exportable-chart" ref={ref}>
      {children}
      <div className="chart-export muted small">
        <button
          type="button"
          className="button ghost small-button"
          onClick={() => {
            const s = svg();
            if (s) saveFile(s.text, `${fileName}.svg`, 'image/svg+xml');
          }}
        >
          SVG
        </button>
        <button
          type="button"
          className="button ghost small-button"
          onClick={() => {
            const s = svg();
            if (!s) return;
            setError(null);
            svgToPng(s.text, s.width, s.height).then(
              (png) => saveFile(png, `${fileName}.png`),
              (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
            );
          }}
        >
          PNG
        </button>
        {error && <span role="status">{error}</span>}
      </div>
    </div>
  );
}
