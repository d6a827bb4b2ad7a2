import { basename, extname } from 'node:path';
import { analyzeModel } from '../core/analyze/summary';
import { reportToCsv, reportToJson, reportToMarkdown, type Report } from '../core/report';
import { sha256Hex } from '../core/util/sha256';
import { UsageError } from './cli-errors';
import type { ModelFile } from './model-file';
import { writeFileAtomic } from './model-file';

const FORMATS = {
  '.json': (r: Report) => `${reportToJson(r, 2)}\n`,
  '.md': reportToMarkdown,
  '.csv': reportToCsv,
} as const;

/** Checks --report's extension before any work is done (the format follows from it). */
export function reportPathFlag(command: string, path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const ext = extname(path).toLowerCase();
  if (!(ext in FORMATS)) throw new UsageError(`--report '${path}' must end in .json, .md or .csv (the format follows from it).`, command);
  return path;
}

/** Writes the report in the format its extension names (.json, .md, .csv); the file is replaced whole, never half written. */
export async function writeReportFile(path: string, report: Report): Promise<void> {
  const format = FORMATS[extname(path).toLowerCase() as keyof typeof FORMATS];
  if (!format) throw new UsageError(`--report '${path}' must end in .json, .md or .csv.`);
  await writeFileAtomic(path, new TextEncoder().encode(format(report)));
}

/** What a report says about the model read from `file`: its name, hash and summary. */
export async function reportModel(file: ModelFile): Promise<{ fileName: string; sha256: string; summary: ReturnType<typeof analyzeModel> }> {
  return { fileName: basename(file.path), sha256: await sha256Hex(file.bytes), summary: analyzeModel(file.model, file.sizeBytes) };
}
