import * as v from 'valibot';
import { ReportError } from './report-error';
import { migrateReportJson } from './report-migrate';
import { reportSchema } from './report-schema';
import { REPORT_FORMAT, type Report } from './report-types';

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** At most this many schema issues are named in one error message. */
const ISSUES_SHOWN = 4;

/**
 * The report as JSON text: infinite numbers (an SQNR of identical outputs) become the strings
 * "Infinity"/"-Infinity", which reportFromJson turns back into numbers; JSON itself has none.
 */
export function reportToJson(report: Report, indent?: number): string {
  return JSON.stringify(report, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? (Number.isNaN(value) ? null : value > 0 ? 'Infinity' : '-Infinity') : value), indent);
}

/** A report object of any known version, migrated to the current one and validated against the schema. */
export function reportFromJson(json: unknown): Report {
  if (!isRecord(json)) throw new ReportError('schema', `A report must be a JSON object; found ${Array.isArray(json) ? 'an array' : json === null ? 'null' : typeof json}.`);
  if (json.format !== REPORT_FORMAT) {
    throw new ReportError('schema', `This is not a Featherweight report: report.format is ${JSON.stringify(json.format)?.slice(0, 40) ?? 'missing'}; expected "${REPORT_FORMAT}".`);
  }
  const migrated = migrateReportJson(json);
  const parsed = v.safeParse(reportSchema, migrated);
  if (!parsed.success) {
    const shown = parsed.issues.slice(0, ISSUES_SHOWN).map((issue) => `${v.getDotPath(issue) ?? 'report'}: ${issue.message}`);
    const more = parsed.issues.length > ISSUES_SHOWN ? ` (and ${parsed.issues.length - ISSUES_SHOWN} more)` : '';
    throw new ReportError('schema', `The report does not match the report format: ${shown.join('; ')}${more}.`);
  }
  // Typed as Report without a cast: the schema and the types cannot drift apart unnoticed.
  const report: Report = parsed.output;
  return report;
}

/** A report from JSON text (a file or a decoded link). */
export function reportFromJsonText(text: string): Report {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ReportError('json', `The report is not valid JSON (${(e as Error).message}); expected a report object.`);
  }
  return reportFromJson(json);
}
