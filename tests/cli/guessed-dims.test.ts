import { afterAll, describe, expect, it } from 'vitest';
import { graph, model, node, valueInfo } from '../../src/core/ir/build';
import { DT } from '../../src/core/ir/dtype';
import { makeFloatTensor, makeInt64Tensor } from '../../src/core/ir/tensor';
import { encodeModel } from '../../src/core/onnx/encode';
import { guessedDims } from '../../src/cli/guessed-dims';
import { cli, tempDir } from './cli-harness';

/** x[batch, samples] reshaped to [1, 7]: only runs when batch*samples is 7, which no guess gives. */
function fixedLength() {
  return model(
    graph({
      name: 'fixed-length',
      inputs: [valueInfo('x', DT.FLOAT, ['batch', 'samples'])],
      outputs: [valueInfo('y', DT.FLOAT, [1, 8])],
      initializers: [makeInt64Tensor('shape', [2], [1, 7]), makeFloatTensor('w', [7, 8], Float32Array.from({ length: 56 }, (_, i) => Math.sin(i)))],
      nodes: [node('Reshape', ['x', 'shape'], ['r'], {}, { name: 'reshape' }), node('MatMul', ['r', 'w'], ['y'], {}, { name: 'fc' })],
    }),
  );
}

describe('guessed dims', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('lists the dims synthetic inputs guess, by name or by input and axis', () => {
    expect(guessedDims(fixedLength())).toEqual(['batch=1', 'samples=16']);
    expect(guessedDims(fixedLength(), { samples: 7 })).toEqual(['batch=1']);
    const unnamed = model(graph({ name: 'u', inputs: [valueInfo('x', DT.FLOAT, [null, 3])], outputs: [valueInfo('x', DT.FLOAT, [null, 3])], nodes: [] }));
    expect(guessedDims(unnamed)).toEqual(['x[0]=1']);
  });

  it('a calibration that fails on synthetic inputs says which dims were guessed and how to set them', async () => {
    const path = tmp.write('fixed.onnx', encodeModel(fixedLength()));
    const r = await cli('compress', path, '--recipe', 'int8-static', '-o', tmp.path('out.onnx'));
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('featherweight: RuntimeError: ');
    expect(r.stderr).toContain('unknown dims were guessed (batch=1, samples=16)');
    expect(r.stderr).toContain('--dim name=N');
  });

  it('--dim without samples sizes the synthetic calibration inputs, so the same model calibrates', async () => {
    const path = tmp.write('fixed2.onnx', encodeModel(fixedLength()));
    const r = await cli('compress', path, '--recipe', 'int8-static', '--dim', 'samples=7', '-o', tmp.path('out2.onnx'), '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const steps = JSON.parse(r.stdout).steps as { warnings: string[] }[];
    expect(steps[0]!.warnings.join(' ')).toMatch(/seeded synthetic sample/);
    const partly = await cli('compress', path, '--recipe', 'int8-static', '--dim', 'batch=1', '-o', tmp.path('out3.onnx'));
    expect(partly.code).toBe(3);
    expect(partly.stderr).toContain('unknown dims were guessed (samples=16)');
  });
});
