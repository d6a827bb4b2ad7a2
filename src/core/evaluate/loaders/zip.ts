import { inflateSync } from 'fflate';
import { SampleFormatError } from './sample-error';

/** One file in a zip archive, read from the central directory. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate. */
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  encrypted: boolean;
}

const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const U32_MAX = 0xffffffff;

function crcTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

const CRC_TABLE = crcTable();

/** CRC-32 (IEEE 802.3, as zip uses it). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function u64(view: DataView, at: number, file: string): number {
  const v = view.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new SampleFormatError(file, `a zip64 size or offset (${v}) is too large to address.`);
  return Number(v);
}

function findEocd(view: DataView, file: string): number {
  const min = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let at = view.byteLength - 22; at >= min; at--) {
    if (view.getUint32(at, true) === SIG_EOCD) return at;
  }
  throw new SampleFormatError(file, 'no zip end-of-central-directory record found; expected a zip archive (an .npz is a zip of .npy files).');
}

/** Where the central directory starts and how many entries it has (zip64 records followed when present). */
function centralDirectory(view: DataView, file: string): { offset: number; count: number } {
  const eocd = findEocd(view, file);
  let count = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  const locator = eocd - 20;
  if (locator >= 0 && view.getUint32(locator, true) === SIG_ZIP64_LOCATOR) {
    const at = u64(view, locator + 8, file);
    if (at + 56 > view.byteLength || view.getUint32(at, true) !== SIG_ZIP64_EOCD) {
      throw new SampleFormatError(file, 'the zip64 locator points at no zip64 end-of-central-directory record; the archive is damaged.');
    }
    count = u64(view, at + 32, file);
    offset = u64(view, at + 48, file);
  }
  return { offset, count };
}

/** Applies a zip64 extra field (id 1) to the sizes and offset that were saturated at 0xFFFFFFFF. */
function applyZip64Extra(view: DataView, start: number, end: number, entry: ZipEntry, file: string): void {
  for (let at = start; at + 4 <= end; ) {
    const id = view.getUint16(at, true);
    const size = view.getUint16(at + 2, true);
    if (id === 0x0001) {
      let p = at + 4;
      const take = (): number => {
        if (p + 8 > at + 4 + size) throw new SampleFormatError(file, `the zip64 field of '${entry.name}' is too short.`);
        const v = u64(view, p, file);
        p += 8;
        return v;
      };
      if (entry.size === U32_MAX) entry.size = take();
      if (entry.compressedSize === U32_MAX) entry.compressedSize = take();
      if (entry.localHeaderOffset === U32_MAX) entry.localHeaderOffset = take();
      return;
    }
    at += 4 + size;
  }
}

/** The entries of a zip archive, from its central directory. Throws SampleFormatError for damaged archives. */
export function listZipEntries(bytes: Uint8Array, file: string): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 22) throw new SampleFormatError(file, `${bytes.length} bytes is too short for a zip archive (at least 22).`);
  const { offset, count } = centralDirectory(view, file);
  const names = new TextDecoder();
  const entries: ZipEntry[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== SIG_CENTRAL) {
      throw new SampleFormatError(file, `zip central directory entry ${i} of ${count} is missing or damaged.`);
    }
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const nameStart = at + 46;
    if (nameStart + nameLength + extraLength > bytes.length) throw new SampleFormatError(file, `zip central directory entry ${i} runs past the end of the file.`);
    const entry: ZipEntry = {
      name: names.decode(bytes.subarray(nameStart, nameStart + nameLength)),
      method: view.getUint16(at + 10, true),
      crc32: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localHeaderOffset: view.getUint32(at + 42, true),
      encrypted: (view.getUint16(at + 8, true) & 1) !== 0,
    };
    applyZip64Extra(view, nameStart + nameLength, nameStart + nameLength + extraLength, entry, file);
    entries.push(entry);
    at = nameStart + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The uncompressed bytes of one entry (stored or deflate), checked against its CRC-32. */
export function readZipEntry(bytes: Uint8Array, entry: ZipEntry, file: string): Uint8Array {
  const where = `'${entry.name}' in the zip archive`;
  if (entry.encrypted) throw new SampleFormatError(file, `${where} is encrypted; expected plain entries.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const local = entry.localHeaderOffset;
  if (local + 30 > bytes.length || view.getUint32(local, true) !== SIG_LOCAL) {
    throw new SampleFormatError(file, `${where} has no local header at offset ${local}; the archive is damaged.`);
  }
  const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.length) throw new SampleFormatError(file, `${where} is truncated: ${entry.compressedSize} bytes expected, ${Math.max(0, bytes.length - start)} present.`);
  const raw = bytes.subarray(start, end);
  let data: Uint8Array;
  if (entry.method === 0) {
    data = raw;
  } else if (entry.method === 8) {
    try {
      data = inflateSync(raw, { out: new Uint8Array(entry.size) });
    } catch (e) {
      throw new SampleFormatError(file, `${where} does not inflate: ${e instanceof Error ? e.message : String(e)}.`);
    }
  } else {
    throw new SampleFormatError(file, `${where} uses compression method ${entry.method}; expected stored (0) or deflate (8).`);
  }
  if (data.length !== entry.size) throw new SampleFormatError(file, `${where} holds ${data.length} bytes; its header says ${entry.size}.`);
  const crc = crc32(data);
  if (crc !== entry.crc32) {
    throw new SampleFormatError(file, `${where} fails its CRC check (0x${crc.toString(16)} vs 0x${entry.crc32.toString(16)}); the archive is damaged.`);
  }
  return data;
}
