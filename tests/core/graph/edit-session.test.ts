import { describe, expect, it } from 'vitest';
import { attr, graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import type { ModelIR, ReadonlyModelIR } from '../../../src/core/ir/model';
import { makeFloatTensor, readFloat32 } from '../../../src/core/ir/tensor';
import { encodeModel } from '../../../src/core/onnx/encode';
import { EditSession, editModel } from '../../../src/core/graph/edit-session';
import { GraphIndex } from '../../../src/core/graph/graph-index';
import { constantsInIf, mlp } from '../../fixtures/models';

/** Freezes every object and array of a model (typed arrays cannot be frozen and are left). */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !ArrayBuffer.isView(value) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}

const names = (m: ModelIR): string[] => m.graph!.node.map((n) => n.name);

describe('EditSession', () => {
  it('never writes into the input and shares every unchanged node and tensor', () => {
    const m = deepFreeze(mlp());
    const before = encodeModel(m);
    const [fc1, relu, fc2, add] = m.graph!.node;
    const out = editModel(m, (s) => {
      s.replaceNode(relu!, [node('Sigmoid', ['h1'], ['a1'], {}, { name: 'sig' })]);
      s.replaceInitializer(m.graph!, 'fc2.bias', makeFloatTensor('fc2.bias', [32], new Float32Array(32)));
    });
    expect(encodeModel(m)).toEqual(before);
    expect(out).not.toBe(m);
    expect(names(out)).toEqual(['fc1', 'sig', 'fc2', 'fc2.bias_add']);
    expect(out.graph!.node[0]).toBe(fc1);
    expect(out.graph!.node[2]).toBe(fc2);
    expect(out.graph!.node[3]).toBe(add);
    expect(out.graph!.initializer.slice(0, 3)).toEqual(m.graph!.initializer.slice(0, 3));
    out.graph!.initializer.slice(0, 3).forEach((t, i) => expect(t).toBe(m.graph!.initializer[i]));
    expect(out.graph!.initializer[3]).not.toBe(m.graph!.initializer[3]);
    expect(out.graph!.input).toBe(m.graph!.input);
  });

  it('returns the input itself when nothing was asked', () => {
    const m = mlp();
    expect(new EditSession(m).commit()).toBe(m);
  });

  it('rewires consumers, inserts before and after, and opens the graph with top nodes in call order', () => {
    const m = mlp();
    const [fc1, relu] = m.graph!.node;
    const s = new EditSession(m);
    s.insertAfter(fc1!, [node('Identity', ['h1'], ['h1_copy'], {}, { name: 'copy' })]);
    expect(s.rewireConsumers(m.graph!, 'h1', 'h1_copy')).toBe(1);
    s.insertBefore(relu!, [node('Identity', ['x'], ['unused'], {}, { name: 'before_relu' })]);
    s.insertAtTop(m.graph!, [node('Identity', ['x'], ['t1'], {}, { name: 'top1' })]);
    s.insertAtTop(m.graph!, [node('Identity', ['x'], ['t2'], {}, { name: 'top2' })]);
    const out = s.commit();
    expect(names(out)).toEqual(['top1', 'top2', 'fc1', 'copy', 'before_relu', 'relu1', 'fc2', 'fc2.bias_add']);
    expect(out.graph!.node[5]!.input).toEqual(['h1_copy']);
    expect(m.graph!.node[1]!.input).toEqual(['h1']);
  });

  it('stores tensors beside a weight, initializer and Constant alike, and drops the original when asked', () => {
    const m = constantsInIf();
    const index = new GraphIndex(m);
    const [thenW, elseW] = index.storedWeights();
    const half = (name: string) => makeFloatTensor(name, [1], Float32Array.of(1));
    const s = new EditSession(m, index);
    s.storeBeside(thenW!, [half('then_q')], { dropOriginal: true, constantNames: ['then_q_const'], readers: [node('Identity', ['then_q'], ['then_w'], {}, { name: 'then_deq' })] });
    s.storeBeside(elseW!, [half('else_q')], { dropOriginal: false, constantNames: ['else_q_const'] });
    const out = s.commit();
    const [thenB, elseB] = out.graph!.node[0]!.attribute.map((a) => a.g!);
    expect(thenB!.node.map((n) => n.name)).toEqual(['then_q_const', 'then_deq', 'then_matmul']);
    expect(elseB!.node.map((n) => n.name)).toEqual(['else_const', 'else_q_const', 'else_matmul']);
    // The untouched node of the edited subgraph is the input's own object; the input's If still holds the old branches.
    expect(thenB!.node[2]).toBe(m.graph!.node[0]!.attribute[0]!.g!.node[1]);
    expect(m.graph!.node[0]!.attribute[0]!.g!.node.map((n) => n.name)).toEqual(['then_const', 'then_matmul']);
    expect(out.graph!.node[0]).not.toBe(m.graph!.node[0]);
  });

  it('replaces an initializer in place and takes its overridable-default input away when the name changes', () => {
    const base = mlp();
    const m = model(graph({ ...base.graph!, nodes: base.graph!.node, inputs: [...base.graph!.input, valueInfo('fc1.bias', DT.FLOAT, [128])], outputs: base.graph!.output, initializers: base.graph!.initializer }));
    const w = new GraphIndex(m).stored('fc1.bias')!;
    expect(w.isGraphInput).toBe(true);
    const out = editModel(m, (s) => s.replaceStored(w, makeFloatTensor('fc1.bias_half', [128], new Float32Array(128)), 'unused', [node('Identity', ['fc1.bias_half'], ['fc1.bias'], {}, { name: 'cast' })]));
    expect(out.graph!.initializer.map((t) => t.name)).toEqual(['fc1.weight', 'fc1.bias_half', 'fc2.weight', 'fc2.bias']);
    expect(out.graph!.input.map((v) => v.name)).toEqual(['x']);
    expect(names(out)[0]).toBe('cast');
  });

  it('puts nodes in topological order on request', () => {
    const m = mlp();
    const reversed = model(graph({ nodes: [...m.graph!.node].reverse(), inputs: m.graph!.input, outputs: m.graph!.output, initializers: m.graph!.initializer }));
    const out = editModel(reversed, (s) => s.sortTopologically(reversed.graph!));
    expect(names(out)).toEqual(['fc1', 'relu1', 'fc2', 'fc2.bias_add']);
  });

  it('drops dead nodes, the initializers only they read and value_info of values gone, transitively', () => {
    const m = mlp();
    const g = m.graph!;
    const withDead = model(
      graph({
        nodes: [...g.node, node('Relu', ['a1'], ['dead1'], {}, { name: 'd1' }), node('MatMul', ['dead1', 'fc2.weight'], ['dead2'], {}, { name: 'd2' })],
        inputs: g.input,
        outputs: g.output,
        initializers: [...g.initializer, makeFloatTensor('only_dead', [1], Float32Array.of(1))],
      }),
    );
    const wd = withValueInfo(withDead, [valueInfo('dead1', DT.FLOAT, undefined), valueInfo('a1', DT.FLOAT, undefined)]);
    const s = new EditSession(wd);
    s.replaceNode(wd.graph!.node[3]!, [node('Add', ['m2', 'only_dead'], ['y'], {}, { name: 'new_add' })]);
    s.removeDead(wd.graph!);
    const out = s.commit();
    expect(names(out)).toEqual(['fc1', 'relu1', 'fc2', 'new_add']);
    // fc2.bias lost its reader; only_dead gained one; fc2.weight is still read by fc2.
    expect(out.graph!.initializer.map((t) => t.name)).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'only_dead']);
    expect(out.graph!.valueInfo.map((v) => v.name)).toEqual(['a1']);
  });

  it('refuses nodes that are not the input model\'s own objects', () => {
    const s = new EditSession(mlp());
    expect(() => s.removeNode(mlp().graph!.node[0]!)).toThrow(/not a node of the input model/);
  });

  it('keeps a tensor shared: the edited model reads the input\'s bytes, not a copy', () => {
    const m = constantsInIf();
    const [thenW] = new GraphIndex(m).storedWeights();
    const out = editModel(m, (s) => s.removeNode(m.graph!.node[0]!.attribute[1]!.g!.node[1]!));
    const keptTensor = out.graph!.node[0]!.attribute[0]!.g!.node[0]!.attribute[0]!.t!;
    expect(keptTensor).toBe(thenW!.tensor);
    expect(readFloat32(keptTensor).buffer).toBe(readFloat32(thenW!.tensor).buffer);
  });
});

function withValueInfo(m: ModelIR, valueInfos: ReturnType<typeof valueInfo>[]): ModelIR {
  const g = m.graph!;
  const out = model(graph({ nodes: [...g.node], inputs: [...g.input], outputs: [...g.output], initializers: [...g.initializer] }));
  out.graph!.valueInfo = valueInfos;
  return out;
}

describe('ReadonlyModelIR', () => {
  it('makes the compiler refuse writes into a method\'s input', () => {
    const m: ReadonlyModelIR = mlp();
    const attempt = () => {
      // @ts-expect-error node lists of a read-only model cannot grow
      m.graph!.node.push(node('Relu', ['y'], ['z']));
      // @ts-expect-error fields of a read-only model cannot be set
      m.graph!.node[0]!.opType = 'Relu';
    };
    expect(typeof attempt).toBe('function');
  });
});

describe('EditSession dead-node removal across scopes', () => {
  it('keeps a node whose output only a subgraph reads, and drops one nothing reads', () => {
    const branch = graph({
      name: 'then',
      inputs: [],
      outputs: [valueInfo('b_out', DT.FLOAT, [2])],
      nodes: [node('Neg', ['xi'], ['b_out'], {}, { name: 'neg' })],
    });
    const ifNode = node('If', ['flag'], ['y'], {}, { name: 'branch' });
    ifNode.attribute = [attr('then_branch', branch), attr('else_branch', branch)];
    const m = model(
      graph({
        nodes: [node('Relu', ['x'], ['unused'], {}, { name: 'dead_relu' }), node('Identity', ['x'], ['xi'], {}, { name: 'feeds_branch' }), ifNode],
        inputs: [valueInfo('x', DT.FLOAT, [2]), valueInfo('flag', DT.BOOL, [])],
        outputs: [valueInfo('y', DT.FLOAT, [2])],
      }),
    );
    const out = editModel(m, (s) => s.removeDead(m.graph!));
    expect(out.graph!.node.map((n) => n.name)).toEqual(['feeds_branch', 'branch']);
    expect(out.graph!.node[1]).toBe(ifNode);
  });
});
