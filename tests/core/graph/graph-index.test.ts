import { describe, expect, it } from 'vitest';
import { attr, graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import { patch } from '../../../src/core/ir/edit';
import { makeFloatTensor } from '../../../src/core/ir/tensor';
import { GraphIndex } from '../../../src/core/graph/graph-index';
import { listGraphs } from '../../../src/core/ir/walk';
import { constantsInIf, mlp } from '../../fixtures/models';

/** Main graph: c = Constant; If(flag) whose then-branch reads `x` and `c` from outside and nests a Loop-free If reading `w`. */
function nested() {
  const inner = graph({
    name: 'inner',
    inputs: [],
    outputs: [valueInfo('inner_out', DT.FLOAT, [2])],
    nodes: [node('Mul', ['x', 'w'], ['inner_out'], {}, { name: 'inner_mul' })],
  });
  const thenBranch = graph({
    name: 'then',
    inputs: [],
    outputs: [valueInfo('then_out', DT.FLOAT, [2])],
    nodes: [
      node('Add', ['x', 'c'], ['t1'], {}, { name: 'then_add' }),
      patch(node('If', ['flag'], ['then_out'], {}, { name: 'inner_if' }), { attribute: [attr('then_branch', inner), attr('else_branch', inner)] }),
    ],
  });
  const elseBranch = graph({ name: 'else', inputs: [], outputs: [valueInfo('x', DT.FLOAT, [2])], nodes: [] });
  return model(
    graph({
      inputs: [valueInfo('x', DT.FLOAT, [2]), valueInfo('flag', DT.BOOL, [])],
      outputs: [valueInfo('y', DT.FLOAT, [2])],
      initializers: [makeFloatTensor('w', [2], Float32Array.of(1, 2))],
      nodes: [
        node('Constant', [], ['c'], { value: makeFloatTensor('c', [2], Float32Array.of(3, 4)) }, { name: 'c_const' }),
        patch(node('If', ['flag'], ['y'], {}, { name: 'outer_if' }), { attribute: [attr('then_branch', thenBranch), attr('else_branch', elseBranch)] }),
      ],
    }),
  );
}

describe('GraphIndex', () => {
  it('indexes producers and consumers of the main graph', () => {
    const m = mlp();
    const index = new GraphIndex(m);
    const [fc1, relu] = m.graph!.node;
    expect(index.producer('h1')).toBe(fc1);
    expect(index.consumers('h1')).toEqual([{ node: relu, inputIndex: 0 }]);
    expect(index.consumers('fc1.weight')).toEqual([{ node: fc1, inputIndex: 1 }]);
    expect(index.producer('x')).toBeUndefined();
    expect(index.scopes).toHaveLength(1);
  });

  it('counts a subgraph\'s reads of outer names as consumers in the scope that defines them', () => {
    const m = nested();
    const index = new GraphIndex(m);
    expect(index.scopes.map((s) => s.path)).toEqual(listGraphs(m).map((v) => v.path));
    const main = index.scopes[0]!;
    const readers = (name: string) => index.consumers(name, main).map((u) => `${u.node.name}:${u.inputIndex}`);
    expect(readers('c')).toEqual(['then_add:1']);
    // x is read by then_add and by both inner branches' Mul (the same graph object twice).
    expect(readers('x')).toEqual(['then_add:0', 'inner_mul:0', 'inner_mul:0']);
    expect(readers('w')).toEqual(['inner_mul:1', 'inner_mul:1']);
    expect(readers('flag')).toEqual(['outer_if:0', 'inner_if:0']);
    const thenScope = index.scopes[1]!;
    expect(thenScope.outerReads.has('x')).toBe(true);
    expect(index.definingScope('x', index.scopes[2]!)).toBe(main);
    expect(index.definingScope('t1', index.scopes[2]!)).toBe(thenScope);
  });

  it('sees initializers and Constant nodes alike as stored values, with their readers', () => {
    const m = nested();
    const index = new GraphIndex(m);
    const stored = index.storedWeights();
    expect(stored.map((w) => [w.name, w.constantIndex ?? 'init', w.uses.length])).toEqual([
      ['w', 'init', 2],
      ['c', 0, 1],
    ]);
    expect(index.stored('c', index.scopes[2])?.tensor).toBe(m.graph!.node[0]!.attribute[0]!.t);
    expect(index.stored('w')?.isGraphOutput).toBe(false);
    // The else branch passes x through as its output: a graph output of a nested subgraph.
    expect(index.isGraphOutput('x', index.scopes[0]!)).toBe(true);
    expect(index.isGraphOutput('t1', index.scopes[1]!)).toBe(false);
  });

  it('finds the Constant weights inside an If with their readers in the branches', () => {
    const m = constantsInIf();
    const index = new GraphIndex(m);
    const [thenG, elseG] = m.graph!.node[0]!.attribute.map((a) => a.g!);
    expect(index.storedWeights().map((w) => ({ name: w.name, uses: w.uses, constantIndex: w.constantIndex, graph: w.graph }))).toEqual([
      { name: 'then_w', uses: [{ node: thenG!.node[1], inputIndex: 1 }], constantIndex: 0, graph: thenG },
      { name: 'else_w', uses: [{ node: elseG!.node[1], inputIndex: 1 }], constantIndex: 0, graph: elseG },
    ]);
    // x is read only inside the branches: an edge of the If in the main graph.
    expect(index.consumers('x').map((u) => u.node.name)).toEqual(['then_matmul', 'else_matmul']);
  });

  it('gives value infos from value_info and graph declarations, and scopes bottom-up in rebuild order', () => {
    const m = nested();
    const index = new GraphIndex(m);
    expect(index.valueInfo('y')?.name).toBe('y');
    expect(index.valueInfo('nope')).toBeUndefined();
    expect(index.bottomUp().map((s) => s.graph.name)).toEqual(['inner', 'inner', 'then', 'else', 'main']);
  });
});
