/**
 * A synthetic fp32 model of roughly 200 MB for `npm run bench`: a stack of 1024x1024 MatMul
 * layers (with bias Add and Relu) plus a small stack of 3x3 Convs, with seeded weights.
 */
import { graph, model, node, valueInfo } from '../../src/core/ir/build';
import { DT } from '../../src/core/ir/dtype';
import { makeFloatTensor } from '../../src/core/ir/tensor';
import type { ModelIR } from '../../src/core/ir/model';
import type { NodeProto, TensorProto } from '../../src/core/onnx/schema';
import { seededRandom } from '../../src/core/util/random';

export interface SyntheticModelShape {
  /** MatMul layers of width x width. */
  matmulLayers: number;
  width: number;
  /** 3x3 Conv layers of channels -> channels (the first takes 3 channels). */
  convLayers: number;
  channels: number;
}

/** 46 x 1024x1024 MatMuls + 4 Convs of 256 channels: about 200 MB of fp32 weights. */
export const BENCH_MODEL_SHAPE: SyntheticModelShape = { matmulLayers: 46, width: 1024, convLayers: 4, channels: 256 };

function uniformWeights(seed: number, count: number, scale: number): Float32Array<ArrayBuffer> {
  const rnd = seededRandom(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (rnd.next() * 2 - 1) * scale;
  return out;
}

export function syntheticModel(shape: SyntheticModelShape = BENCH_MODEL_SHAPE, seed = 11): ModelIR {
  const { matmulLayers, width, convLayers, channels } = shape;
  const initializers: TensorProto[] = [];
  const nodes: NodeProto[] = [];
  let x = 'x';
  for (let i = 0; i < matmulLayers; i++) {
    const w = `fc${i}.weight`;
    const b = `fc${i}.bias`;
    initializers.push(makeFloatTensor(w, [width, width], uniformWeights(seed + 2 * i, width * width, 1 / Math.sqrt(width))));
    initializers.push(makeFloatTensor(b, [width], uniformWeights(seed + 2 * i + 1, width, 0.05)));
    nodes.push(node('MatMul', [x, w], [`fc${i}.mm`], {}, { name: `fc${i}` }));
    nodes.push(node('Add', [`fc${i}.mm`, b], [`fc${i}.add`], {}, { name: `fc${i}.bias_add` }));
    nodes.push(node('Relu', [`fc${i}.add`], [`fc${i}.out`], {}, { name: `fc${i}.relu` }));
    x = `fc${i}.out`;
  }
  nodes.push(node('Identity', [x], ['y'], {}, { name: 'mlp_out' }));
  let c = 'image';
  let inChannels = 3;
  for (let i = 0; i < convLayers; i++) {
    const w = `conv${i}.weight`;
    const b = `conv${i}.bias`;
    const fanIn = inChannels * 9;
    initializers.push(makeFloatTensor(w, [channels, inChannels, 3, 3], uniformWeights(seed + 1000 + 2 * i, channels * fanIn, 1 / Math.sqrt(fanIn))));
    initializers.push(makeFloatTensor(b, [channels], uniformWeights(seed + 1001 + 2 * i, channels, 0.05)));
    nodes.push(node('Conv', [c, w, b], [`conv${i}.out`], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name: `conv${i}` }));
    c = `conv${i}.out`;
    inChannels = channels;
  }
  nodes.push(node('Identity', [c], ['features'], {}, { name: 'conv_out' }));
  return model(
    graph({
      name: 'bench_synthetic',
      inputs: [valueInfo('x', DT.FLOAT, [1, width]), valueInfo('image', DT.FLOAT, [1, 3, 8, 8])],
      outputs: [valueInfo('y', DT.FLOAT, [1, width]), valueInfo('features', DT.FLOAT, [1, channels, 8, 8])],
      initializers,
      nodes,
    }),
  );
}
