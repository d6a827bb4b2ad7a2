import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { SampleFormatError } from '../core/evaluate/loaders/sample-error';
import type { RgbaImage } from '../core/evaluate/loaders/image-preprocess';

/** Pixels above this count are refused (a 16k x 16k image), so a hostile file cannot exhaust memory. */
const MAX_PIXELS = 256 * 1024 * 1024;
const MAX_MEMORY_MB = 1024;

function isPng(b: Uint8Array): boolean {
  return b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
}
function isJpeg(b: Uint8Array): boolean {
  return b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}
function isWebp(b: Uint8Array): boolean {
  return b.length > 12 && String.fromCharCode(...b.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...b.subarray(8, 12)) === 'WEBP';
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Node's image decoding for samples: PNG through pngjs (any bit depth, palette, interlace) and
 * JPEG through jpeg-js (baseline and progressive), both pure JavaScript. The format comes from
 * the bytes, not the extension. WebP is not decoded in Node: the error says to convert it.
 */
export async function decodeImageNode(bytes: Uint8Array, file: string): Promise<RgbaImage> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isPng(bytes)) {
    try {
      const png = PNG.sync.read(buffer);
      return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    } catch (e) {
      throw new SampleFormatError(file, `the PNG does not decode: ${reason(e)}.`);
    }
  }
  if (isJpeg(bytes)) {
    try {
      const img = jpeg.decode(buffer, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: MAX_MEMORY_MB });
      return { width: img.width, height: img.height, data: img.data };
    } catch (e) {
      throw new SampleFormatError(file, `the JPEG does not decode: ${reason(e)}.`);
    }
  }
  if (isWebp(bytes)) {
    throw new SampleFormatError(file, 'WebP images are decoded in the browser studio only; in the CLI convert them to PNG or JPEG.');
  }
  throw new SampleFormatError(file, 'not a PNG, JPEG or WebP image (by its first bytes); expected an image file.');
}
