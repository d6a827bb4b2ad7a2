import { AttributeProto_AttributeType as AT, type AttributeProto, type NodeProto } from '../onnx/schema';

/** Typed reads of node attributes (absent -> undefined). */
export function findAttr(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute.find((a) => a.name === name);
}

export function attrInt(node: NodeProto, name: string): number | undefined {
  const a = findAttr(node, name);
  return a && a.type === AT.INT ? Number(a.i) : undefined;
}

export function attrInts(node: NodeProto, name: string): number[] | undefined {
  const a = findAttr(node, name);
  return a && a.type === AT.INTS ? a.ints.map((v) => Number(v)) : undefined;
}

export function attrFloat(node: NodeProto, name: string): number | undefined {
  const a = findAttr(node, name);
  return a && a.type === AT.FLOAT ? a.f : undefined;
}

export function attrFloats(node: NodeProto, name: string): number[] | undefined {
  const a = findAttr(node, name);
  return a && a.type === AT.FLOATS ? [...a.floats] : undefined;
}

export function attrString(node: NodeProto, name: string): string | undefined {
  const a = findAttr(node, name);
  return a && a.type === AT.STRING ? new TextDecoder().decode(a.s) : undefined;
}

export function isDefaultDomain(node: NodeProto): boolean {
  return node.domain === '' || node.domain === 'ai.onnx';
}
