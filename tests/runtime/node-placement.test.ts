import { describe, expect, it } from 'vitest';
import { fallbackNodes, parseNodePlacements } from '../../src/runtime/node-placement';

const prefix = (fn: string) => `2026-11-26 13:30:45.973577 [V:onnxruntime:, session_state.cc:1380 ${fn}]`;

describe('parseNodePlacements (onnxruntime verbose session log)', () => {
  it('reads "All nodes placed on" as one provider with its node count', () => {
    const lines = [
      `${prefix('Initialize')} Initializing session.`,
      `${prefix('VerifyEachNodeIsAssignedToAnEp')} Node placements`,
      `${prefix('VerifyEachNodeIsAssignedToAnEp')}  All nodes placed on [CPUExecutionProvider]. Number of nodes: 363`,
      `${prefix('Initialize')} Session successfully initialized.`,
    ];
    expect(parseNodePlacements(lines)).toEqual({ providers: [{ provider: 'CPUExecutionProvider', count: 363, nodes: [] }] });
  });

  it('reads a split placement with the nodes of each provider, and lists the fallbacks off the primary one', () => {
    const lines = [
      `${prefix('VerifyEachNodeIsAssignedToAnEp')} Node placements`,
      `${prefix('VerifyEachNodeIsAssignedToAnEp')}  Node(s) placed on [WebGpuExecutionProvider]. Number of nodes: 2`,
      `${prefix('VerifyEachNodeIsAssignedToAnEp')}   Add (fc1_bias)`,
      `${prefix('VerifyEachNodeIsAssignedToAnEp')}   Relu (relu1)`,
      `${prefix('VerifyEachNodeIsAssignedToAnEp')}  Node(s) placed on [CPUExecutionProvider]. Number of nodes: 2`,
      `${prefix('VerifyEachNodeIsAssignedToAnEp')}   MatMulInteger (fc2_MatMulInteger)`,
      `${prefix('VerifyEachNodeIsAssignedToAnEp')}   DynamicQuantizeLinear (a1_DynamicQuantizeLinear)`,
      `${prefix('Initialize')} Session successfully initialized.`,
    ];
    const p = parseNodePlacements(lines)!;
    expect(p.providers.map((x) => [x.provider, x.count, x.nodes.length])).toEqual([
      ['WebGpuExecutionProvider', 2, 2],
      ['CPUExecutionProvider', 2, 2],
    ]);
    expect(fallbackNodes(p, 'WebGpuExecutionProvider')[0]!.nodes).toEqual([
      { opType: 'MatMulInteger', name: 'fc2_MatMulInteger' },
      { opType: 'DynamicQuantizeLinear', name: 'a1_DynamicQuantizeLinear' },
    ]);
  });

  it('is undefined when the log has no placement block', () => {
    expect(parseNodePlacements(['some other line', `${prefix('Initialize')} Initializing session.`])).toBeUndefined();
  });
});
