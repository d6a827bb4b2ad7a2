import { DEFAULT_PRESET } from './preprocess-fields';
import type { IOSpecLike } from '../io-spec';
import type { TensorData } from '../tensor-data';
import { fitToInput } from './fit-input';
import { IMAGE_PRESETS, preprocessImage, type ImageLayout, type ImagePreprocess, type ImagePresetName, type RgbaImage } from './image-preprocess';
import { SampleFormatError } from './sample-error';

/** User-set image fields; anything left out comes from the preset (default 'none') and the input's shape. */
export interface ImageOptions {
  preset?: ImagePresetName;
  layout?: ImageLayout;
  scale?: ImagePreprocess['scale'];
  mean?: readonly number[];
  std?: readonly number[];
  order?: ImagePreprocess['order'];
  resize?: ImagePreprocess['resize'];
  cropFraction?: number;
}

/** Layout, channel count and (when fixed) size of an image input, read from its declared shape. */
export interface ImageTarget {
  layout: ImageLayout;
  channels: 1 | 3;
  /** Undefined when the input leaves the size open: the image's own size is used then. */
  height?: number;
  width?: number;
}

function sizeOf(spec: IOSpecLike, axis: number, dims: Readonly<Record<string, number>>): number | undefined {
  const byAxis = dims[`${spec.name}[${axis}]`];
  if (byAxis !== undefined) return byAxis;
  const d = spec.shape?.[axis];
  if (typeof d === 'number' && d > 0) return d;
  if (typeof d === 'string' && dims[d] !== undefined) return dims[d];
  return undefined;
}

const isChannels = (n: number | undefined): n is 1 | 3 => n === 1 || n === 3;

/**
 * Where the channels of an image input sit: [N, C, H, W] (NCHW) or [N, H, W, C] (NHWC), with C
 * 1 or 3. A shape whose channel axis cannot be told apart is taken as NCHW (ONNX's convention)
 * unless `layout` says otherwise.
 */
export function imageTargetFor(spec: IOSpecLike, dims: Readonly<Record<string, number>>, file: string, layout?: ImageLayout): ImageTarget {
  if (!spec.shape || spec.shape.length !== 4) {
    const found = spec.shape ? `rank ${spec.shape.length} [${spec.shape.join(', ')}]` : 'no declared shape';
    throw new SampleFormatError(file, `input '${spec.name}' has ${found}; an image sample needs a rank-4 input (NCHW or NHWC).`);
  }
  const c1 = sizeOf(spec, 1, dims);
  const c3 = sizeOf(spec, 3, dims);
  const chosen: ImageLayout = layout ?? (isChannels(c3) && !isChannels(c1) ? 'NHWC' : 'NCHW');
  const [cAxis, hAxis, wAxis] = chosen === 'NCHW' ? [1, 2, 3] : [3, 1, 2];
  const c = sizeOf(spec, cAxis, dims);
  if (c !== undefined && !isChannels(c)) {
    throw new SampleFormatError(file, `input '${spec.name}' has ${c} channels on axis ${cAxis} (${chosen}); an image sample fills 1 (grey) or 3 (colour).`);
  }
  const height = sizeOf(spec, hAxis, dims);
  const width = sizeOf(spec, wAxis, dims);
  return { layout: chosen, channels: c ?? 3, ...(height !== undefined && { height }), ...(width !== undefined && { width }) };
}

/** The full preprocessing for one image: the input's layout and size, the preset, then the user's fields. */
export function resolveImagePreprocess(target: ImageTarget, img: Pick<RgbaImage, 'width' | 'height'>, options: ImageOptions = {}): ImagePreprocess {
  const preset = IMAGE_PRESETS[options.preset ?? DEFAULT_PRESET];
  return {
    width: target.width ?? img.width,
    height: target.height ?? img.height,
    layout: target.layout,
    channels: target.channels,
    order: options.order ?? 'RGB',
    resize: options.resize ?? preset.resize,
    cropFraction: options.cropFraction ?? preset.cropFraction,
    scale: options.scale ?? preset.scale,
    mean: options.mean ?? preset.mean,
    std: options.std ?? preset.std,
  };
}

/**
 * An image as a model input: layout and size from the input, preprocessing from the options,
 * dtype from the input (integer inputs get rounded pixel values, e.g. uint8 NHWC with 0..255).
 */
export function imageToInput(img: RgbaImage, spec: IOSpecLike, dims: Readonly<Record<string, number>>, options: ImageOptions, file: string): TensorData {
  const target = imageTargetFor(spec, dims, file, options.layout);
  const t = preprocessImage(img, resolveImagePreprocess(target, img, options), file);
  const floatInput = spec.dtype === 'float32' || spec.dtype === 'float16' || spec.dtype === 'float64';
  if (!floatInput && t.data instanceof Float32Array) t.data.forEach((v, i, a) => (a[i] = Math.round(v)));
  return fitToInput(t, spec, dims, file);
}
