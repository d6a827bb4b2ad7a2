import { describe, expect, it } from 'vitest';
import { IMAGENET_PRESET, preprocessImage, type ImagePreprocess, type RgbaImage } from '../../../../src/core/evaluate/loaders/image-preprocess';
import { imageTargetFor } from '../../../../src/core/evaluate/loaders/image-input';

/** An image whose pixel (x, y) has R = x, G = y, B = 10, A = 255. */
function ramp(width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x, y, 10, 255], (y * width + x) * 4);
  return { width, height, data };
}

const base: ImagePreprocess = { width: 4, height: 4, layout: 'NCHW', channels: 3, order: 'RGB', resize: 'stretch', cropFraction: 1, scale: '0..255', mean: [0, 0, 0], std: [1, 1, 1] };

describe('preprocessImage', () => {
  it('keeps pixels when the size matches, in NCHW and NHWC', () => {
    const img = ramp(4, 4);
    const nchw = preprocessImage(img, base);
    expect(nchw.dims).toEqual([1, 3, 4, 4]);
    const d = nchw.data as Float32Array;
    expect(d[0 * 16 + 1 * 4 + 2]).toBe(2); // R at y=1, x=2
    expect(d[1 * 16 + 3 * 4 + 0]).toBe(3); // G at y=3
    expect(d[2 * 16 + 5]).toBe(10);
    const nhwc = preprocessImage(img, { ...base, layout: 'NHWC' });
    expect(nhwc.dims).toEqual([1, 4, 4, 3]);
    expect((nhwc.data as Float32Array)[(1 * 4 + 2) * 3 + 0]).toBe(2);
  });

  it('scales to 0..1 / -1..1, applies mean/std, swaps to BGR and makes grey', () => {
    const img: RgbaImage = { width: 1, height: 1, data: Uint8Array.of(255, 0, 51, 255) };
    const one = { ...base, width: 1, height: 1 };
    expect(Array.from(preprocessImage(img, { ...one, scale: '0..1' }).data as Float32Array)).toEqual([1, 0, 0.2].map((v) => Math.fround(v)));
    expect(Array.from(preprocessImage(img, { ...one, scale: '-1..1' }).data as Float32Array).map((v) => +v.toFixed(5))).toEqual([1, -1, -0.6]);
    const net = preprocessImage(img, { ...one, ...IMAGENET_PRESET, resize: 'stretch' }).data as Float32Array;
    expect(net[0]).toBeCloseTo((1 - 0.485) / 0.229, 5);
    expect(net[1]).toBeCloseTo((0 - 0.456) / 0.224, 5);
    expect(net[2]).toBeCloseTo((0.2 - 0.406) / 0.225, 5);
    const bgr = preprocessImage(img, { ...one, ...IMAGENET_PRESET, resize: 'stretch', order: 'BGR' }).data as Float32Array;
    expect(bgr[0]).toBeCloseTo(net[2]!, 6);
    expect(bgr[2]).toBeCloseTo(net[0]!, 6);
    const grey = preprocessImage(img, { ...one, channels: 1 });
    expect(grey.dims).toEqual([1, 1, 1, 1]);
    expect((grey.data as Float32Array)[0]).toBeCloseTo(0.299 * 255 + 0.114 * 51, 3);
  });

  it('averages 2x2 blocks when halving (antialiased) and centre-crops', () => {
    const half = preprocessImage(ramp(8, 8), { ...base, width: 4, height: 4 }).data as Float32Array;
    // output x=1 covers source x 2..3 with a triangle of radius 2 around 2.5: weights 1,3,3,1 over 1..4
    expect(half[1]).toBeCloseTo((1 * 1 + 2 * 3 + 3 * 3 + 4 * 1) / 8, 5);
    expect(half[2 * 16]).toBeCloseTo(10, 5);
    // crop: a 12x4 image to 4x4 takes the centred 4x4 block (x 4..7) unscaled
    const crop = preprocessImage(ramp(12, 4), { ...base, resize: 'crop' }).data as Float32Array;
    expect(Array.from(crop.subarray(0, 4))).toEqual([4, 5, 6, 7]);
    // cropFraction 0.5 of an 8x8 to 4x4 is the centred 4x4 region, unscaled
    const frac = preprocessImage(ramp(8, 8), { ...base, resize: 'crop', cropFraction: 0.5 }).data as Float32Array;
    expect(Array.from(frac.subarray(0, 4))).toEqual([2, 3, 4, 5]);
    expect(frac[16]).toBe(2); // G of the first row is y = 2
  });

  it('rejects broken pixel buffers with a typed error naming the file', () => {
    expect(() => preprocessImage({ width: 2, height: 2, data: new Uint8Array(3) }, base, 'x.png')).toThrow(/x.png: the decoded image is 2x2 with 3 bytes/);
  });
});

describe('imageTargetFor', () => {
  it('reads layout, channels and size from the input shape', () => {
    expect(imageTargetFor({ name: 'x', dtype: 'float32', shape: ['N', 3, 224, 224] }, {}, 'f')).toEqual({ layout: 'NCHW', channels: 3, height: 224, width: 224 });
    expect(imageTargetFor({ name: 'x', dtype: 'float32', shape: [1, 32, 48, 3] }, {}, 'f')).toEqual({ layout: 'NHWC', channels: 3, height: 32, width: 48 });
    expect(imageTargetFor({ name: 'x', dtype: 'float32', shape: ['b', 1, 'h', 'w'] }, { h: 20 }, 'f')).toEqual({ layout: 'NCHW', channels: 1, height: 20 });
    expect(imageTargetFor({ name: 'x', dtype: 'float32', shape: ['b', 'c', 'h', 'w'] }, {}, 'f')).toEqual({ layout: 'NCHW', channels: 3 });
    expect(() => imageTargetFor({ name: 'x', dtype: 'float32', shape: [1, 64] }, {}, 'a.png')).toThrow(/a.png: input 'x' has rank 2 \[1, 64\]; an image sample needs a rank-4 input/);
    expect(() => imageTargetFor({ name: 'x', dtype: 'float32', shape: [1, 8, 16, 16] }, {}, 'a.png')).toThrow(/has 8 channels on axis 1/);
  });
});
