import { ScalarType, create, toBinary, type DescMessage, type DescField } from '@bufbuild/protobuf';
import { ModelProtoSchema } from './schema';
import type { ModelIR } from '../ir/model';

/**
 * Size-first ONNX encoder. The schema's own encoder copies every bytes field into chunks and
 * joins nested messages repeatedly, which costs several copies of the weights. Here, messages
 * that carry large byte fields are laid out as a tree of small schema-encoded pieces, varints
 * and references to the large payloads; sizes are summed first and everything is written once
 * into a single preallocated buffer. Field order matches the schema encoder (by field
 * number, unknown fields last), so unchanged models re-encode byte-identically.
 */

/** Byte fields at least this long are written by reference instead of through the schema encoder. */
const LARGE_BYTES = 4096;

/** Bytes to copy, a nested layout, or a varint to write. */
type Piece = Uint8Array | Layout | number;
interface Layout {
  pieces: Piece[];
  size: number;
}

function varintSize(value: number): number {
  let n = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 0x80)) n++;
  return n;
}

function pieceSize(p: Piece): number {
  return typeof p === 'number' ? varintSize(p) : p instanceof Uint8Array ? p.byteLength : p.size;
}

const LEN = 2;

/** Per-call knowledge about the schema: which fields of each message type can lead to a bytes field. */
interface SchemaIndex {
  sortedFields(desc: DescMessage): DescField[];
  /** Fields that are bytes or messages (lists included) whose type can hold a bytes field, at any depth. */
  byteBearingFields(desc: DescMessage): DescField[];
}

function childMessage(field: DescField): DescMessage | undefined {
  if (field.fieldKind === 'message') return field.message;
  if (field.fieldKind === 'list' && field.listKind === 'message') return field.message;
  return undefined;
}

const isBytesScalar = (field: DescField): boolean => field.fieldKind === 'scalar' && field.scalar === ScalarType.BYTES;

function schemaIndex(): SchemaIndex {
  const sorted = new Map<DescMessage, DescField[]>();
  const bearing = new Map<DescMessage, DescField[]>();
  const canHoldBytes = new Map<DescMessage, boolean>();
  const holdsBytes = (root: DescMessage): boolean => {
    const known = canHoldBytes.get(root);
    if (known !== undefined) return known;
    // Breadth-first over the message types reachable from root (the ONNX schema is recursive).
    const seen = new Set<DescMessage>([root]);
    const queue = [root];
    let found = false;
    while (queue.length > 0 && !found) {
      const desc = queue.shift()!;
      for (const field of desc.fields) {
        if (isBytesScalar(field)) found = true;
        const child = childMessage(field);
        if (child && !seen.has(child)) {
          seen.add(child);
          queue.push(child);
        }
      }
    }
    canHoldBytes.set(root, found);
    return found;
  };
  return {
    sortedFields(desc) {
      let fields = sorted.get(desc);
      if (!fields) sorted.set(desc, (fields = desc.fields.concat().sort((a, b) => a.number - b.number)));
      return fields;
    },
    byteBearingFields(desc) {
      let fields = bearing.get(desc);
      if (!fields) {
        fields = desc.fields.filter((f) => isBytesScalar(f) || (childMessage(f) !== undefined && holdsBytes(childMessage(f)!)));
        bearing.set(desc, fields);
      }
      return fields;
    },
  };
}

interface EncodeContext {
  schema: SchemaIndex;
  memo: WeakMap<object, boolean>;
}

/** Whether a message (recursively) holds a bytes field large enough to write by reference. */
function hasLargeBytes(desc: DescMessage, msg: Record<string, unknown>, ctx: EncodeContext): boolean {
  const fields = ctx.schema.byteBearingFields(desc);
  if (fields.length === 0) return false;
  const known = ctx.memo.get(msg);
  if (known !== undefined) return known;
  let result = false;
  for (const field of fields) {
    const value = msg[field.localName];
    if (value === undefined) continue;
    if (field.fieldKind === 'scalar') result = value instanceof Uint8Array && value.byteLength >= LARGE_BYTES;
    else if (field.fieldKind === 'message') result = hasLargeBytes(field.message, value as Record<string, unknown>, ctx);
    else if (field.fieldKind === 'list' && field.listKind === 'message') {
      const child = field.message;
      result = (value as Record<string, unknown>[]).some((m) => hasLargeBytes(child, m, ctx));
    }
    if (result) break;
  }
  ctx.memo.set(msg, result);
  return result;
}

function isSet(field: DescField, msg: Record<string, unknown>): boolean {
  const value = msg[field.localName];
  if (field.fieldKind === 'list') return (value as unknown[]).length > 0;
  if (field.fieldKind === 'map') return Object.keys(value as object).length > 0;
  // Explicit presence is an own property; implicit presence is set when not the zero value.
  return Object.prototype.hasOwnProperty.call(msg, field.localName) && value !== undefined;
}

/** The schema encoding of some fields of `msg`, via a message holding only those fields. */
function encodeFields(desc: DescMessage, fields: DescField[], msg: Record<string, unknown>): Uint8Array {
  const init: Record<string, unknown> = {};
  for (const field of fields) init[field.localName] = msg[field.localName];
  return toBinary(desc, create(desc, init as never), { writeUnknownFields: false });
}

function layoutMessage(desc: DescMessage, msg: Record<string, unknown>, ctx: EncodeContext): Layout {
  if (!hasLargeBytes(desc, msg, ctx)) {
    const bytes = toBinary(desc, msg as never);
    return { pieces: [bytes], size: bytes.byteLength };
  }
  const pieces: Piece[] = [];
  // Consecutive small scalar fields are schema-encoded together, in one call.
  let run: DescField[] = [];
  const flush = (): void => {
    if (run.length > 0) pieces.push(encodeFields(desc, run, msg));
    run = [];
  };
  const pushChild = (fieldNo: number, child: Layout): void => {
    pieces.push(fieldNo * 8 + LEN, child.size, child);
  };
  for (const field of ctx.schema.sortedFields(desc)) {
    if (!isSet(field, msg)) continue;
    const value = msg[field.localName];
    if (field.fieldKind === 'scalar' && value instanceof Uint8Array && value.byteLength >= LARGE_BYTES) {
      flush();
      pieces.push(field.number * 8 + LEN, value.byteLength, value);
    } else if (field.fieldKind === 'message') {
      flush();
      pushChild(field.number, layoutMessage(field.message, value as Record<string, unknown>, ctx));
    } else if (field.fieldKind === 'list' && field.listKind === 'message') {
      flush();
      for (const item of value as Record<string, unknown>[]) pushChild(field.number, layoutMessage(field.message, item, ctx));
    } else {
      run.push(field);
    }
  }
  flush();
  const unknown = (msg as { $unknown?: { no: number; wireType: number; data: Uint8Array }[] }).$unknown;
  for (const u of unknown ?? []) pieces.push(u.no * 8 + u.wireType, u.data);
  let size = 0;
  for (const p of pieces) size += pieceSize(p);
  return { pieces, size };
}

function writeLayout(layout: Layout, out: Uint8Array, offset: number): number {
  let at = offset;
  for (const p of layout.pieces) {
    if (typeof p === 'number') {
      let v = p;
      while (v >= 0x80) {
        out[at++] = (v % 0x80) | 0x80;
        v = Math.floor(v / 0x80);
      }
      out[at++] = v;
    } else if (p instanceof Uint8Array) {
      // Small pieces byte by byte: cheaper than a set() call for a handful of bytes.
      if (p.byteLength <= 16) for (let i = 0; i < p.byteLength; i++) out[at + i] = p[i]!;
      else out.set(p, at);
      at += p.byteLength;
    } else at = writeLayout(p, out, at);
  }
  return at;
}

/** A model laid out for encoding: its exact encoded size is known before any byte is written. */
export interface EncodingPlan {
  size: number;
  write(): Uint8Array<ArrayBuffer>;
}

/** Lays the model out (sizes only, the payloads are referenced), so a caller can decide before allocating. */
export function planEncoding(model: ModelIR): EncodingPlan {
  const ctx: EncodeContext = { schema: schemaIndex(), memo: new WeakMap() };
  const layout = layoutMessage(ModelProtoSchema, model as unknown as Record<string, unknown>, ctx);
  return {
    size: layout.size,
    write() {
      const out = new Uint8Array(layout.size);
      writeLayout(layout, out, 0);
      return out;
    },
  };
}

/** Encodes the model IR to ONNX bytes, writing each weight payload exactly once. */
export function encodeModel(model: ModelIR): Uint8Array<ArrayBuffer> {
  return planEncoding(model).write();
}
