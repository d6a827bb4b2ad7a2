import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deflateSync } from 'fflate';
import {
  decodeReportData,
  encodeReportData,
  MAX_INFLATED_BYTES,
  REPORT_ROUTE,
  reportDataOf,
  ReportError,
  reportLink,
  reportToJson,
  type ReportFault,
} from '../../../src/core/report';
import { fromBase64Url, inflateCapped, toBase64Url } from '../../../src/core/report/share-link';
import { sampleReport } from './report-fixtures';

function fault(data: string): { reason: ReportFault; message: string } {
  try {
    decodeReportData(data);
  } catch (e) {
    expect(e).toBeInstanceOf(ReportError);
    return { reason: (e as ReportError).reason, message: (e as Error).message };
  }
  throw new Error('expected the link to be refused');
}

const deflated = (text: string): string => toBase64Url(deflateSync(new TextEncoder().encode(text)));

describe('base64url', () => {
  it('matches Node for any bytes and reads its own output back (property test)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = toBase64Url(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64url'));
        expect(fromBase64Url(text)).toEqual(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses characters outside the alphabet, impossible lengths and non-zero tail bits', () => {
    expect(() => fromBase64Url('ab+c')).toThrow(/character "\+" at position 2/);
    expect(() => fromBase64Url('abcd=')).toThrow(/length/);
    expect(() => fromBase64Url('abcé')).toThrow(/character "é"/);
    expect(fromBase64Url('AQ')).toEqual(new Uint8Array([1]));
    expect(() => fromBase64Url('AB')).toThrow(/whole byte/);
  });
});

describe('share link', () => {
  it('round-trips a report through the fragment', () => {
    const report = sampleReport();
    const link = reportLink('https://studio.example/', report);
    expect(link.startsWith(`https://studio.example/${REPORT_ROUTE}`)).toBe(true);
    const data = reportDataOf(new URL(link).hash)!;
    expect(data).toBe(encodeReportData(report));
    expect(decodeReportData(data)).toEqual(report);
    expect(reportDataOf('#/other')).toBeNull();
  });

  it('round-trips any labels and figures (property test)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), fc.double({ min: 0, max: 1e6, noNaN: true }).map((x) => (x === 0 ? 0 : x)), (label, p50) => {
        const base = sampleReport();
        const report = { ...base, variants: [{ ...base.variants[0]!, label, latency: [{ ...base.variants[0]!.latency[0]!, p50 }] }] };
        expect(decodeReportData(encodeReportData(report))).toEqual(report);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses invalid base64', () => {
    expect(fault('not base64!').reason).toBe('base64');
    expect(fault('').reason).toBe('base64');
  });

  it('refuses corrupt deflate data', () => {
    expect(fault(toBase64Url(new Uint8Array([0xff, 0xfe, 0xfd, 0xfc, 0x00, 0x01]))).reason).toBe('deflate');
    // A valid stream cut short is corrupt too.
    const whole = deflateSync(new TextEncoder().encode(reportToJson(sampleReport())));
    expect(fault(toBase64Url(whole.subarray(0, whole.length >> 1))).reason).toBe('deflate');
  });

  it('refuses a decompression bomb without inflating it all', () => {
    const bomb = deflateSync(new Uint8Array(64 << 20).fill(32), { level: 9 });
    const data = toBase64Url(bomb);
    expect(data.length).toBeLessThan(100_000);
    const f = fault(data);
    expect(f.reason).toBe('too-large');
    expect(f.message).toContain(String(MAX_INFLATED_BYTES));
    expect(() => inflateCapped(bomb, 1000)).toThrow(/more than 1000 bytes/);
  });

  it('refuses data that inflates to something other than report JSON', () => {
    expect(fault(deflated('{"format": "featherweight-report", "version": 2')).reason).toBe('json');
    expect(fault(toBase64Url(deflateSync(new Uint8Array([0xc3, 0x28])))).reason).toBe('json');
    expect(fault(deflated('{"steps":[]}')).reason).toBe('schema');
    const absurd = JSON.parse(reportToJson(sampleReport())) as { variants: { sizeBytes: number }[] };
    absurd.variants[0]!.sizeBytes = 1e300;
    expect(fault(deflated(JSON.stringify(absurd))).reason).toBe('schema');
  });
});
