import type { RgbaImage } from '../src/core/evaluate/loaders/image-preprocess';
import { SampleFormatError } from '../src/core/evaluate/loaders/sample-error';

/** A 16k x 16k image: larger ones are refused so one file cannot exhaust the worker's memory. */
const MAX_PIXELS = 256 * 1024 * 1024;

/**
 * The browser's image decoding for samples, run inside a worker: createImageBitmap decodes PNG,
 * JPEG and WebP (the format comes from the bytes), an OffscreenCanvas hands back straight RGBA.
 * Colour-space conversion and premultiplication are off, so pixels are the file's own values.
 */
export async function decodeImageInWorker(bytes: Uint8Array, file: string): Promise<RgbaImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch (e) {
    throw new SampleFormatError(file, `the browser cannot decode it as an image (${e instanceof Error ? e.message : String(e)}); expected a PNG, JPEG or WebP file.`);
  }
  try {
    const { width, height } = bitmap;
    if (width * height > MAX_PIXELS) throw new SampleFormatError(file, `the image is ${width}x${height}; expected at most ${MAX_PIXELS} pixels.`);
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new SampleFormatError(file, 'this browser gives workers no 2D canvas to read pixels with.');
    context.drawImage(bitmap, 0, 0);
    return { width, height, data: context.getImageData(0, 0, width, height).data };
  } finally {
    bitmap.close();
  }
}
