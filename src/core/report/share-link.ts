import { deflateSync, Inflate } from 'fflate';
import { ReportError } from './report-error';
import { reportFromJsonText, reportToJson } from './read-report';
import type { Report } from './report-types';

/** The fragment route a share link opens: `#/report/<data>`. */
export const REPORT_ROUTE = '#/report/';

/** The longest link the studio offers (the whole URL); a larger report is offered as a file. */
export const MAX_LINK_CHARS = 8000;

/** A report inflates to at most this many bytes; more is a decompression bomb and is refused. */
export const MAX_INFLATED_BYTES = 1 << 20;

/** Encoded data longer than this is refused before decoding (its inflated form could not be a sane report). */
export const MAX_DATA_CHARS = 256 * 1024;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) INDEX[ALPHABET.charCodeAt(i)] = i;

/** base64url without padding (RFC 4648 §5). */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]!;
  }
  return out;
}

/** The bytes of base64url text (no padding, no other characters); a typed error names the first bad character. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  if (text.length % 4 === 1) throw new ReportError('base64', `The link's data has ${text.length} characters, a length base64url cannot have; the link is cut off or damaged.`);
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const d = c < 128 ? INDEX[c]! : -1;
    if (d < 0) {
      throw new ReportError('base64', `The link's data has the character ${JSON.stringify(text[i])} at position ${i}; expected only base64url (A-Z, a-z, 0-9, - and _).`);
    }
    acc = ((acc << 6) | d) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // Leftover bits must be zero in canonical base64; anything else is a damaged link.
  if ((acc & ((1 << bits) - 1)) !== 0) throw new ReportError('base64', "The link's data does not end on a whole byte; the link is cut off or damaged.");
  return out;
}

/** The fragment data of a report: its JSON, deflated (raw deflate, level 9) and base64url-encoded. */
export function encodeReportData(report: Report): string {
  return toBase64Url(deflateSync(new TextEncoder().encode(reportToJson(report)), { level: 9 }));
}

/** The share link of a report on the studio at `base` (the origin and path, fragment left out). */
export function reportLink(base: string, report: Report): string {
  return `${base}${REPORT_ROUTE}${encodeReportData(report)}`;
}

/**
 * Inflates raw deflate data but stops once the output passes `limit` bytes, so a small link
 * that would inflate to gigabytes (a decompression bomb) is refused after `limit` bytes of work.
 */
export function inflateCapped(data: Uint8Array, limit: number): Uint8Array {
  // fflate's sync inflate has no cap, so the streaming one is fed in chunks and checked as it goes.
  const chunks: Uint8Array[] = [];
  let total = 0;
  let over = false;
  let failure: unknown = null;
  let ended = false;
  const stream = new Inflate((chunk, final) => {
    total += chunk.length;
    if (total > limit) over = true;
    else chunks.push(chunk);
    if (final) ended = true;
  });
  const CHUNK = 1024;
  try {
    for (let i = 0; i < data.length && !over; i += CHUNK) stream.push(data.subarray(i, i + CHUNK), i + CHUNK >= data.length);
  } catch (e) {
    failure = e;
  }
  if (over) throw new ReportError('too-large', `The link's report inflates to more than ${limit} bytes; a report is far smaller, so this link is refused.`);
  if (failure !== null || !ended) {
    const why = failure instanceof Error ? ` (${failure.message})` : '';
    throw new ReportError('deflate', `The link's data is not a deflated report${why}; the link is damaged.`);
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** The report in a link's fragment data; every fault is a ReportError saying which class it is. */
export function decodeReportData(data: string): Report {
  if (data.length === 0) throw new ReportError('base64', 'The link carries no report data after #/report/.');
  if (data.length > MAX_DATA_CHARS) throw new ReportError('too-large', `The link's data is ${data.length} characters; expected at most ${MAX_DATA_CHARS}.`);
  const inflated = inflateCapped(fromBase64Url(data), MAX_INFLATED_BYTES);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(inflated);
  } catch {
    throw new ReportError('json', "The link's report is not UTF-8 text; expected report JSON.");
  }
  return reportFromJsonText(text);
}

/** The fragment data of `hash` (location.hash) when it is a report route, else null. */
export function reportDataOf(hash: string): string | null {
  return hash.startsWith(REPORT_ROUTE) ? hash.slice(REPORT_ROUTE.length) : null;
}
