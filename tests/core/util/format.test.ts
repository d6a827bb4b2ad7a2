import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatDb, formatMs, formatMsValue, formatRatio, formatShape, formatSpeedup } from '../../../src/core/util/format';

describe('shared number formatting', () => {
  it('counts bytes in decimal units with three significant digits', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(4_000_000)).toBe('4.00 MB');
    expect(formatBytes(14_500)).toBe('14.5 KB');
    expect(formatBytes(-1)).toBe('–');
  });

  it('gives times in ms below a second and in s above, and bare ms for columns', () => {
    expect(formatMs(3.14159)).toBe('3.14 ms');
    expect(formatMs(123.45)).toBe('123.5 ms');
    expect(formatMs(1234)).toBe('1.23 s');
    expect(formatMsValue(123.45)).toBe('123.5');
    expect(formatMsValue(1234)).toBe('1234');
  });

  it('says which way a ratio goes, with the sign the host asks for', () => {
    expect(formatRatio(400, 100)).toBe('4.00× smaller');
    expect(formatRatio(100, 130, 'x')).toBe('1.30x larger');
    expect(formatSpeedup(1 / 1.3)).toBe('1.30× slower');
    expect(formatSpeedup(0)).toBe('–');
  });

  it('writes counts, dB and shapes one way', () => {
    expect(formatCount(1_234_567)).toBe('1.23 M');
    expect(formatDb(Infinity)).toBe('∞');
    expect(formatDb(31.26)).toBe('31.3');
    expect(formatShape(['batch', 3, null])).toBe('[batch, 3, ?]');
    expect(formatShape(undefined, '?')).toBe('?');
  });
});
