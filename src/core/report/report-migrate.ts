import { ReportError } from './report-error';
import { REPORT_VERSION } from './report-types';

/** MIGRATIONS[v] turns a version-v report object into a version v+1 one (version key included). */
export type ReportMigrations = Readonly<Record<number, (json: Record<string, unknown>) => Record<string, unknown>>>;

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Version 1 kept the app version as a bare string, the creation time in milliseconds since the
 * epoch, sizes under `bytes` (the model's name under `name`) and latency as an object keyed by
 * backend, which could hold one thread count per backend. Version 2 names them as the studio
 * does and lists latency entries. Values are moved, never checked here: the schema checks the
 * result, so a hostile version-1 object fails there like any other.
 */
function figuresV1toV2(row: unknown): unknown {
  if (!isRecord(row)) return row;
  const { bytes, latency, ...rest } = row;
  const entries = isRecord(latency) ? Object.entries(latency).map(([backend, stats]) => (isRecord(stats) ? { backend, ...stats } : stats)) : latency;
  return { ...rest, sizeBytes: bytes, latency: entries };
}

function v1toV2(json: Record<string, unknown>): Record<string, unknown> {
  const { app, created, model, original, variants, ...rest } = json;
  const out: Record<string, unknown> = {
    ...rest,
    version: 2,
    app: typeof app === 'string' ? { name: 'Featherweight', version: app } : app,
    createdAt: typeof created === 'number' && Number.isFinite(created) && Math.abs(created) < 8.64e15 ? new Date(created).toISOString() : created,
    original: figuresV1toV2(original),
    variants: Array.isArray(variants) ? variants.map(figuresV1toV2) : variants,
  };
  if (isRecord(model)) {
    const { name, bytes, ...m } = model;
    out.model = { ...m, fileName: name, sizeBytes: bytes };
  } else {
    out.model = model;
  }
  return out;
}

const MIGRATIONS: ReportMigrations = { 1: v1toV2 };

/** A report object of any version this code reads, as the current version (not yet validated). */
export function migrateReportJson(
  json: Readonly<Record<string, unknown>>,
  { current = REPORT_VERSION, migrations = MIGRATIONS }: { current?: number; migrations?: ReportMigrations } = {},
): Record<string, unknown> {
  const version = json.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new ReportError('version', `report.version must be a whole number from 1 to ${current}; found ${typeof version === 'number' ? version : JSON.stringify(version)?.slice(0, 40) ?? 'nothing'}.`);
  }
  if (version > current) {
    throw new ReportError('version', `This report is version ${version}, written by a newer Featherweight; this one reads report versions 1 to ${current}. Update Featherweight to read it.`);
  }
  let out: Record<string, unknown> = { ...json };
  for (let v = version; v < current; v++) {
    const step = migrations[v];
    if (!step) throw new ReportError('version', `No migration from report version ${v} to ${v + 1}; expected one for every version below ${current}.`);
    out = step(out);
  }
  return out;
}
