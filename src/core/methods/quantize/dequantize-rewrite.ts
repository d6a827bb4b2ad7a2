import type { ModelIR, ReadonlyModelIR } from '../../ir/model';
import type { NodeProto, TensorProto } from '../../onnx/schema';
import { EditSession } from '../../graph/edit-session';
import type { StoredWeight, ValueUse } from '../../graph/weight-uses';

/** How one stored float weight is replaced by int8 data and a DequantizeLinear. */
export interface DequantizePlan {
  weight: StoredWeight;
  /**
   * True when every reader takes the dequantized value: the float tensor is dropped and the
   * DequantizeLinear output takes over its name. Otherwise the float tensor stays for the other
   * readers and `retarget` lists the slots moved to the DequantizeLinear output.
   */
  replaceOriginal: boolean;
  retarget: ValueUse[];
  quantized: TensorProto;
  scale: TensorProto;
  zeroPoint: TensorProto;
  /** DequantizeLinear(quantized, scale, zeroPoint) -> weight name (or a new name). */
  dequantize: NodeProto;
  /** Node names for the Constant nodes that hold the three tensors when the weight was a Constant. */
  constantNames: [string, string, string];
}

/**
 * Applies dequantize plans to the model: initializer weights get their int8/scale/zero-point
 * initializers and a DequantizeLinear at the top of their graph; Constant-node weights are
 * replaced in place by three Constants and the DequantizeLinear. Returns a new model.
 */
export function applyDequantizePlans(model: ReadonlyModelIR, plans: readonly DequantizePlan[]): ModelIR {
  const session = new EditSession(model);
  for (const p of plans) {
    session.storeBeside(p.weight, [p.quantized, p.scale, p.zeroPoint], { dropOriginal: p.replaceOriginal, constantNames: p.constantNames, readers: [p.dequantize] });
    for (const use of p.retarget) session.setInput(use.node, use.inputIndex, p.dequantize.output[0]!);
  }
  return session.commit();
}
