/**
 * A chart's SVG (recharts draws one `svg.recharts-surface`) as a standalone file: the page's CSS
 * variables the chart uses are replaced by their current values, so the file looks the same
 * outside the page.
 */
export function chartSvgText(container: HTMLElement): string | null {
  const svg = container.querySelector('svg.recharts-surface') ?? container.querySelector('svg');
  if (!svg) return null;
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const box = svg.getBoundingClientRect();
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(Math.round(box.width)));
  clone.setAttribute('height', String(Math.round(box.height)));
  const styles = getComputedStyle(document.documentElement);
  const text = new XMLSerializer().serializeToString(clone);
  const resolved = text.replace(/var\((--[\w-]+)\)/g, (whole, name: string) => styles.getPropertyValue(name).trim() || whole);
  const background = styles.getPropertyValue('--panel').trim() || styles.getPropertyValue('--bg').trim() || '#ffffff';
  // A background rect first, so the PNG is not transparent.
  return resolved.replace(/^(<svg[^>]*>)/, `$1<rect width="100%" height="100%" fill="${background.replace(/"/g, '')}"/>`);
}

/** The SVG drawn on a canvas at `scale`, as PNG. */
export async function svgToPng(svgText: string, width: number, height: number, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.decoding = 'async';
    const loaded = new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error('The chart could not be drawn as an image.'));
    });
    image.src = url;
    await loaded;
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('This browser gives no 2D canvas to draw the chart on.');
    ctx.scale(scale, scale);
    ctx.drawImage(image, 0, 0, width, height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('The canvas gave no PNG.'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}
