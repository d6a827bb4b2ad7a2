import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeModel, type DecodeOptions } from '../../../src/core/onnx/decode';
import { encodeModel } from '../../../src/core/onnx/encode';
import { FeatherweightError } from '../../../src/core/util/errors';
import { constantsInIf, convBnRelu, mlp, mlpWithExternalData, transformerBlock } from '../../fixtures/models';
import { OCR_CLS, readOcrModel } from './model-corpus';

/**
 * Fuzzing the decoder: damaged real encodings must either decode or fail with one of our
 * typed errors, and no single call may run away. The time bound is a hang detector set far
 * above a normal decode (milliseconds), not a performance assertion.
 */
const HANG_MS = 2000;

interface Source {
  name: string;
  bytes: Uint8Array<ArrayBuffer>;
  options: DecodeOptions;
}

const external = mlpWithExternalData();
const fixtures: Source[] = [
  { name: 'mlp', bytes: encodeModel(mlp()), options: {} },
  { name: 'convBnRelu', bytes: encodeModel(convBnRelu()), options: {} },
  { name: 'transformerBlock', bytes: encodeModel(transformerBlock()), options: {} },
  { name: 'constantsInIf', bytes: encodeModel(constantsInIf()), options: {} },
  { name: 'mlpWithExternalData', bytes: encodeModel(external.model), options: { externalFiles: external.files } },
];
const cls: Source = { name: 'paddleocr-cls', bytes: readOcrModel(OCR_CLS), options: {} };

interface Outcome {
  result: 'model' | 'typed error';
  ms: number;
}

/** Decodes; rethrows anything that is not a FeatherweightError, and re-encodes what decodes. */
function decodeOnce(bytes: Uint8Array<ArrayBuffer>, options: DecodeOptions): Outcome {
  const start = performance.now();
  let result: Outcome['result'];
  try {
    const model = decodeModel(bytes, options);
    // Whatever decodes must also encode, and decode again.
    decodeModel(encodeModel(model), options);
    result = 'model';
  } catch (e) {
    if (!(e instanceof FeatherweightError)) throw e;
    result = 'typed error';
  }
  return { result, ms: performance.now() - start };
}

function expectTypedAndBounded(outcome: Outcome): void {
  expect(['model', 'typed error']).toContain(outcome.result);
  expect(outcome.ms).toBeLessThan(HANG_MS);
}

/** A damage plan: byte overwrites at relative positions, then an optional cut. */
const damage = fc.record({
  flips: fc.array(fc.tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.integer({ min: 0, max: 255 })), {
    minLength: 0,
    maxLength: 16,
  }),
  cut: fc.option(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { nil: undefined }),
});

function applyDamage(source: Uint8Array<ArrayBuffer>, plan: { flips: [number, number][]; cut: number | undefined }): Uint8Array<ArrayBuffer> {
  const out = source.slice();
  for (const [at, value] of plan.flips) out[Math.floor(at * out.byteLength)] = value;
  return plan.cut === undefined ? out : out.slice(0, Math.floor(plan.cut * out.byteLength));
}

function fuzz(sources: Source[], runs: number): void {
  // A counterexample prints the source's name, not megabytes of bytes.
  const source = fc.constantFrom(...sources.map((s) => Object.assign({ ...s }, { [fc.toStringMethod]: () => s.name })));

  it('random truncations give a model or a typed error, promptly', () => {
    fc.assert(
      fc.property(source, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (source, at) => {
        expectTypedAndBounded(decodeOnce(source.bytes.slice(0, Math.floor(at * source.bytes.byteLength)), source.options));
      }),
      { numRuns: runs },
    );
  });

  it('random byte flips (with and without a cut) give a model or a typed error, promptly', () => {
    fc.assert(
      fc.property(source, damage, (source, plan) => {
        expectTypedAndBounded(decodeOnce(applyDamage(source.bytes, plan), source.options));
      }),
      { numRuns: runs },
    );
  });

  it('random splices of foreign bytes give a model or a typed error, promptly', () => {
    fc.assert(
      fc.property(
        source,
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.uint8Array({ minLength: 1, maxLength: 32 }),
        (source, at, inserted) => {
          const pos = Math.floor(at * source.bytes.byteLength);
          const out = new Uint8Array(source.bytes.byteLength + inserted.byteLength);
          out.set(source.bytes.subarray(0, pos), 0);
          out.set(inserted, pos);
          out.set(source.bytes.subarray(pos), pos + inserted.byteLength);
          expectTypedAndBounded(decodeOnce(out, source.options));
        },
      ),
      { numRuns: runs },
    );
  });
}

describe('decoder fuzzing on the fixtures', () => {
  fuzz(fixtures, 1000);

  it('arbitrary bytes give a model or a typed error, promptly', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 512 }), (bytes) => {
        expectTypedAndBounded(decodeOnce(new Uint8Array(bytes), {}));
      }),
      { numRuns: 400 },
    );
  });
});

describe('decoder fuzzing on the PaddleOCR classifier', () => {
  fuzz([cls], 40);
});
