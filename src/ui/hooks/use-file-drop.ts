import { useEffect, useState } from 'react';
import { collectDropped } from '../services/dropped-files';
import type { DroppedFile } from '../services/types';

function hasFiles(e: DragEvent): boolean {
  return e.dataTransfer?.types.includes('Files') ?? false;
}

/**
 * Accepts files and folders dropped anywhere on the page (folders walked, paths kept). Returns
 * whether files are being dragged over it, for the overlay. A folder that cannot be walked goes
 * to `onError`.
 */
export function useFileDrop(onFiles: (files: DroppedFile[]) => void, onError: (error: unknown) => void): boolean {
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    let depth = 0;
    const enter = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth += 1;
      setDragging(true);
    };
    const over = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = (): void => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (e: DragEvent): void => {
      e.preventDefault();
      depth = 0;
      setDragging(false);
      if (!e.dataTransfer) return;
      // The entries must be taken now, inside the event; the folder walk finishes later.
      void collectDropped(e.dataTransfer).then((files) => {
        if (files.length > 0) onFiles(files);
      }, onError);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [onFiles, onError]);
  return dragging;
}
