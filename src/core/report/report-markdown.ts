import { formatBytes, formatCount, formatDb, formatMs, formatNumber, formatPercent, formatSpeedup } from '../util/format';
import { speedVerdict } from '../evaluate/ratio-interval';
import { reportOutputNames, reportTableRows, type ReportTableRow } from './report-table';
import type { Report } from './report-types';

/** The speed ratio with its interval; "same speed" where the interval contains 1. */
function speedCell(r: ReportTableRow): string {
  if (r.isOriginal) return 'reference';
  if (r.speedup === null || !r.speedInterval) return formatSpeedup(r.speedup);
  const { low, high } = r.speedInterval;
  const spread = `${formatNumber(low, 2)}–${formatNumber(high, 2)}×`;
  return speedVerdict(r.speedInterval) === 'same' ? `same speed (${formatNumber(r.speedup, 2)}×, ${spread})` : `${formatSpeedup(r.speedup)} (${spread})`;
}

/** Text safe inside a Markdown table cell: no markup, links, HTML or line breaks from the report survive. */
export function markdownText(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_{}[\]()#+!|<>~&]/g, (c) => `\\${c}`)
    .slice(0, 300);
}

const cell = (v: string | null): string => v ?? '–';

/** The report as Markdown for a pull request: the model, the comparison table, accuracy and worst layers. */
export function reportToMarkdown(report: Report): string {
  const m = report.model;
  const rows = reportTableRows(report);
  const outputs = reportOutputNames(report);
  const reference = report.original.latency[0];
  const where = reference ? `${reference.backend === 'wasm' ? `WASM, ${reference.threads} thread${reference.threads === 1 ? '' : 's'}` : 'WebGPU'}, median of ${reference.n} runs` : 'not timed';
  const lines: string[] = [
    `### Featherweight report: ${markdownText(m.fileName)}`,
    '',
    `${formatBytes(m.sizeBytes)}, ${formatCount(m.params)} parameters, ${formatCount(m.macs)} MACs, opsets ${m.opsets.map((o) => `${markdownText(o.domain || 'ai.onnx')} ${o.version}`).join(', ')}. SHA-256 \`${m.sha256}\`.`,
    '',
    `Latency: ${where}.${report.device ? ` Device: ${report.device.logicalCores} cores, ${markdownText(report.device.host === 'node' ? report.device.userAgent : 'browser')}.` : ''}`,
    '',
    `| model | recipe | size | vs original | gzip | median latency | speed | ${outputs.map((o) => `${markdownText(o)} cosine`).join(' | ')}${outputs.length ? ' |' : ''}`,
    `|---|---|---:|---:|---:|---:|---:|${outputs.map(() => '---:|').join('')}`,
  ];
  for (const r of rows) {
    const fid = outputs.map((o) => {
      const f = r.fidelity.find((x) => x.name === o);
      return r.isOriginal ? 'reference' : f ? formatNumber(f.cosine, 5) : '–';
    });
    lines.push(
      `| ${markdownText(r.label)} | ${r.recipe ? `\`${r.recipe.replace(/`/g, "'")}\`` : ''} | ${formatBytes(r.sizeBytes)} | ${formatPercent(r.sizeRatio)} | ${cell(r.gzipBytes !== null ? formatBytes(r.gzipBytes) : null)} | ${cell(r.latency ? formatMs(r.latency.p50) : null)} | ${speedCell(r)} |${fid.map((f) => ` ${f} |`).join('')}`,
    );
  }
  for (const v of report.variants.filter((x) => x.evaluation)) {
    const e = v.evaluation!;
    const on = e.inputs === 'samples' ? `${e.samples} samples` : `${e.samples} seeded random inputs`;
    lines.push('', `${markdownText(v.label)} on ${on}: ${e.outputs.map((o) => `${markdownText(o.name)} cosine ${formatNumber(o.cosine, 5)}, SQNR ${formatDb(o.sqnrDb)} dB`).join('; ')}.`);
  }
  const accuracy = report.variants.filter((v) => v.accuracy);
  if (accuracy.length > 0) {
    lines.push('', '| variant | top-1 original | top-1 variant | change |', '|---|---:|---:|---:|');
    for (const v of accuracy) {
      const a = v.accuracy!;
      lines.push(`| ${markdownText(v.label)} | ${a.reference.toFixed(1)}% | ${a.candidate.toFixed(1)}% | ${(-a.dropPoints).toFixed(1)} pts |`);
    }
  }
  for (const v of report.variants.filter((x) => x.worstLayers?.length)) {
    lines.push('', `Layers adding the most error in ${markdownText(v.label)}: ${v.worstLayers!.map((l) => `${markdownText(l.tensor)} (${markdownText(l.opType)}, ${formatDb(l.localSqnrDb)})`).join(', ')}.`);
  }
  lines.push('', `<sub>${markdownText(report.app.name)} ${markdownText(report.app.version)}, ${markdownText(report.createdAt)}</sub>`, '');
  return lines.join('\n');
}
