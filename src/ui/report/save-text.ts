/** Offers text or a blob as a file download (an object URL clicked through a hidden link, then revoked). */
export function saveFile(data: Blob | string, fileName: string, type = 'text/plain'): void {
  const blob = typeof data === 'string' ? new Blob([data], { type }) : data;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name stem safe on every OS, from a model name: `model.onnx` -> `model`. */
export function fileStem(name: string): string {
  const stem = name.replace(/\.onnx$/i, '').replace(/[^\w.-]+/g, '_').slice(0, 80);
  return stem || 'model';
}
