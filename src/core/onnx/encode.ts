import { create, toBinary, type DescMessage, type DescField } from '@bufbuild/protobuf';
import { ModelProtoSchema } from './schema';
import type { ModelIR } from '../ir/model';

/**
 * Size-first ONNX encoder. The schema's own encoder copies every bytes field into chunks and
 * joins nested messages repeatedly, which costs several copies of the weights. Here, messages
 * that carry large byte fields are laid out as a tree of small schema-encoded pieces and
 * references to the large payloads; sizes are summed first and everything is written once
 * into a single preallocated buffer. Field order matches the schema encoder (by field
 * number, unknown fields last), so unchanged models re-encode byte-identically.
 */

/** Byte fields at least this long are written by reference instead of through the schema encoder. */
const LARGE_BYTES = 4096;

type Piece = Uint8Array | Layout;
interface Layout {
  pieces: Piece[];
  size: number;
}

function pieceSize(p: Piece): number {
  return p instanceof Uint8Array ? p.byteLength : p.size;
}

function varint(value: number): Uint8Array {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

const LEN = 2;
const tag = (fieldNo: number): Uint8Array => varint(fieldNo * 8 + LEN);

/** Whether a message (recursively) holds a bytes field large enough to write by reference. */
function hasLargeBytes(desc: DescMessage, msg: Record<string, unknown>, memo: WeakMap<object, boolean>): boolean {
  const known = memo.get(msg);
  if (known !== undefined) return known;
  let result = false;
  for (const field of desc.fields) {
    const value = msg[field.localName];
    if (value === undefined) continue;
    if (field.fieldKind === 'scalar' && value instanceof Uint8Array && value.byteLength >= LARGE_BYTES) result = true;
    else if (field.fieldKind === 'message' && value && hasLargeBytes(field.message, value as Record<string, unknown>, memo)) result = true;
    else if (field.fieldKind === 'list' && field.listKind === 'message') {
      const child = field.message;
      result = (value as Record<string, unknown>[]).some((m) => hasLargeBytes(child, m, memo));
    }
    if (result) break;
  }
  memo.set(msg, result);
  return result;
}

function isSet(field: DescField, msg: Record<string, unknown>): boolean {
  const value = msg[field.localName];
  if (field.fieldKind === 'list') return (value as unknown[]).length > 0;
  if (field.fieldKind === 'map') return Object.keys(value as object).length > 0;
  // Explicit presence is an own property; implicit presence is set when not the zero value.
  return Object.prototype.hasOwnProperty.call(msg, field.localName) && value !== undefined;
}

/** The schema encoding of a single field of `msg`, via a message holding only that field. */
function encodeField(desc: DescMessage, field: DescField, msg: Record<string, unknown>): Uint8Array {
  const only = create(desc, { [field.localName]: msg[field.localName] } as never);
  return toBinary(desc, only, { writeUnknownFields: false });
}

function layoutMessage(desc: DescMessage, msg: Record<string, unknown>, memo: WeakMap<object, boolean>): Layout {
  if (!hasLargeBytes(desc, msg, memo)) {
    const bytes = toBinary(desc, msg as never);
    return { pieces: [bytes], size: bytes.byteLength };
  }
  const pieces: Piece[] = [];
  const push = (p: Piece): void => {
    pieces.push(p);
  };
  const sorted = desc.fields.concat().sort((a, b) => a.number - b.number);
  for (const field of sorted) {
    if (!isSet(field, msg)) continue;
    const value = msg[field.localName];
    if (field.fieldKind === 'scalar' && value instanceof Uint8Array && value.byteLength >= LARGE_BYTES) {
      push(tag(field.number));
      push(varint(value.byteLength));
      push(value);
    } else if (field.fieldKind === 'message') {
      const child = layoutMessage(field.message, value as Record<string, unknown>, memo);
      push(tag(field.number));
      push(varint(child.size));
      push(child);
    } else if (field.fieldKind === 'list' && field.listKind === 'message') {
      for (const item of value as Record<string, unknown>[]) {
        const child = layoutMessage(field.message, item, memo);
        push(tag(field.number));
        push(varint(child.size));
        push(child);
      }
    } else {
      push(encodeField(desc, field, msg));
    }
  }
  const unknown = (msg as { $unknown?: { no: number; wireType: number; data: Uint8Array }[] }).$unknown;
  for (const u of unknown ?? []) {
    push(varint(u.no * 8 + u.wireType));
    push(u.data);
  }
  return { pieces, size: pieces.reduce((n, p) => n + pieceSize(p), 0) };
}

function writeLayout(layout: Layout, out: Uint8Array, offset: number): number {
  let at = offset;
  for (const p of layout.pieces) {
    if (p instanceof Uint8Array) {
      out.set(p, at);
      at += p.byteLength;
    } else at = writeLayout(p, out, at);
  }
  return at;
}

/** Encodes the model IR to ONNX bytes, writing each weight payload exactly once. */
export function encodeModel(model: ModelIR): Uint8Array<ArrayBuffer> {
  const layout = layoutMessage(ModelProtoSchema, model as unknown as Record<string, unknown>, new WeakMap());
  const out = new Uint8Array(layout.size);
  writeLayout(layout, out, 0);
  return out;
}
