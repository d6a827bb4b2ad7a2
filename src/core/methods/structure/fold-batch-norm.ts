import { attrFloat, attrInt, isDefaultDomain } from '../../graph/attrs';
import { attr } from '../../ir/build';
import { DT } from '../../ir/dtype';
import { patch } from '../../ir/edit';
import { isExternal, makeFloatTensor, readFloat32, tensorDims } from '../../ir/tensor';
import type { GraphScope } from '../../graph/graph-index';
import type { NodeProto } from '../../onnx/schema';
import type { RewritePass } from './rewrite-pass';

interface FloatConst {
  dims: number[];
  values: Float32Array;
}

function floatConst(pass: RewritePass, scope: GraphScope, name: string | undefined): FloatConst | undefined {
  if (!name) return undefined;
  const w = pass.index.stored(name, scope);
  if (!w || w.isGraphInput || w.tensor.dataType !== DT.FLOAT || isExternal(w.tensor)) return undefined;
  return { dims: tensorDims(w.tensor), values: readFloat32(w.tensor) };
}

/** For each output channel c: y = x * scale[c] + shift[c], the BatchNormalization in inference. */
function bnAffine(pass: RewritePass, scope: GraphScope, bn: NodeProto): { scale: Float32Array; shift: Float32Array } | undefined {
  const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) => floatConst(pass, scope, bn.input[i]));
  if (!gamma || !beta || !mean || !variance) return undefined;
  const n = gamma.values.length;
  if ([beta, mean, variance].some((t) => t.values.length !== n)) return undefined;
  const eps = attrFloat(bn, 'epsilon') ?? 1e-5;
  const scale = new Float32Array(n);
  const shift = new Float32Array(n);
  for (let c = 0; c < n; c++) {
    scale[c] = gamma.values[c]! / Math.sqrt(variance.values[c]! + eps);
    shift[c] = beta.values[c]! - mean.values[c]! * scale[c]!;
  }
  return { scale, shift };
}

/** The output channel of each weight element, or undefined when the layout does not match `channels`. */
function channelOf(op: string, node: NodeProto, w: FloatConst, channels: number): ((i: number) => number) | undefined {
  const d = w.dims;
  if (op === 'Conv') {
    if (d[0] !== channels) return undefined;
    const per = w.values.length / channels;
    return (i) => Math.floor(i / per);
  }
  if (op === 'ConvTranspose') {
    const group = attrInt(node, 'group') ?? 1;
    const inPerGroup = d[0]! / group;
    const outPerGroup = d[1]!;
    if (outPerGroup * group !== channels || !Number.isInteger(inPerGroup)) return undefined;
    const k = w.values.length / (d[0]! * outPerGroup);
    return (i) => {
      const cin = Math.floor(i / (outPerGroup * k));
      const j = Math.floor(i / k) % outPerGroup;
      return Math.floor(cin / inPerGroup) * outPerGroup + j;
    };
  }
  if (d.length !== 2) return undefined;
  if (attrInt(node, 'transB') ?? 0) return d[0] === channels ? (i) => Math.floor(i / d[1]!) : undefined;
  return d[1] === channels ? (i) => i % channels : undefined;
}

/** The bias of the layer per output channel (beta of Gemm applied), or undefined when its form is not per-channel. */
function biasPerChannel(op: string, node: NodeProto, b: FloatConst | undefined, channels: number): Float32Array | undefined {
  const out = new Float32Array(channels);
  if (!b) return out;
  const beta = op === 'Gemm' ? (attrFloat(node, 'beta') ?? 1) : 1;
  const n = b.values.length;
  if (n !== 1 && n !== channels) return undefined;
  if (op === 'Gemm' && b.dims.length === 2 && b.dims[0] !== 1) return undefined;
  for (let c = 0; c < channels; c++) out[c] = beta * b.values[n === 1 ? 0 : c]!;
  return out;
}

const FOLDS_INTO = new Set(['Conv', 'ConvTranspose', 'Gemm']);

/** Folds a BatchNormalization into the Conv, ConvTranspose or Gemm whose only reader it is. */
export function foldBatchNorms(pass: RewritePass): void {
  for (const scope of pass.index.scopes) {
    for (const bn of scope.graph.node) {
      if (bn.opType !== 'BatchNormalization' || !isDefaultDomain(bn) || !bn.input[0] || !bn.output[0]) continue;
      if ((attrInt(bn, 'training_mode') ?? 0) !== 0 || bn.output.slice(1).some((o) => o)) continue;
      const layer = scope.producers.get(bn.input[0]);
      if (!layer || !FOLDS_INTO.has(layer.opType) || !isDefaultDomain(layer) || layer.output.length !== 1) continue;
      if (pass.index.consumers(bn.input[0], scope).length !== 1 || pass.index.isGraphOutput(bn.input[0], scope)) continue;
      if (!pass.canReplace(bn) || !pass.canReplace(layer)) continue;
      const affine = bnAffine(pass, scope, bn);
      const w = floatConst(pass, scope, layer.input[1]);
      if (!affine || !w) continue;
      const channels = affine.scale.length;
      const channel = channelOf(layer.opType, layer, w, channels);
      const biasIndex = 2;
      const b = layer.input[biasIndex] ? floatConst(pass, scope, layer.input[biasIndex]) : undefined;
      if (!channel || (layer.input[biasIndex] && !b)) continue;
      const bias = biasPerChannel(layer.opType, layer, b, channels);
      if (!bias) continue;
      const newW = new Float32Array(w.values.length);
      for (let i = 0; i < newW.length; i++) newW[i] = w.values[i]! * affine.scale[channel(i)]!;
      const newB = bias.map((v, c) => v * affine.scale[c]! + affine.shift[c]!);
      const wName = pass.newName(`${layer.input[1]}_bn`);
      const bName = pass.newName(`${layer.name || layer.output[0]}_bias_bn`);
      pass.session.addInitializer(scope.graph, makeFloatTensor(wName, w.dims, newW));
      pass.session.addInitializer(scope.graph, makeFloatTensor(bName, [channels], newB));
      const attribute = layer.opType === 'Gemm' ? [...layer.attribute.filter((a) => a.name !== 'beta'), attr('beta', { float: 1 })] : layer.attribute;
      pass.replace(layer, [patch(layer, { input: [layer.input[0]!, wName, bName], output: [bn.output[0]], attribute })]);
      pass.replace(bn, []);
      pass.changes.push({ kind: 'node-folded', name: bn.name || bn.output[0], opType: bn.opType, into: layer.name || layer.output[0]! });
    }
  }
}
