import { analyzeModel, type IOSpec, type ModelSummary } from '../../core/analyze/summary';
import { COMMON_OPTIONS, dimFlags, parseCommandArgs, requirePositionals } from '../args';
import type { Command } from '../command';
import { COMMAND_HELP } from '../help';
import { EXIT } from '../exit-codes';
import { formatBytes, formatCount, formatShape } from '../../core/util/format';
import { formatTable } from '../format';
import { toJson } from '../json';
import { readModelFile } from '../model-file';
import { shownPath } from '../shown-path';

const NAME = 'inspect' as const;

const OPTIONS = {
  ...COMMON_OPTIONS,
  dim: { type: 'string', multiple: true },
} as const;

/** How many op types and layers the human view lists. */
const TOP_OPS = 12;
const TOP_LAYERS = 10;

function describeIO(label: string, io: readonly IOSpec[]): string[] {
  return io.map((v) => `  ${label} ${v.name}: ${v.dtype} ${formatShape(v.shape, '?')}`);
}

function describeMacs(m: ModelSummary['macs']): string {
  const assumed = Object.entries(m.assumedDims).map(([k, v]) => `${k}=${v}`);
  const shown = m.impossible ?? [];
  const impossible = shown.length > 0 ? `impossible shapes at ${shown.slice(0, 3).join(', ')}${shown.length > 3 ? ` and ${shown.length - 3} more` : ''}, not counted` : '';
  const notes = [
    m.complete ? '' : impossible || 'some layers not counted',
    assumed.length > 0 ? `assuming ${assumed.join(', ')}; set them with --dim name=N` : '',
  ].filter(Boolean);
  return `${formatCount(m.total)}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
}

/** The summary as text for a terminal: overview, IO, top ops, largest layers. */
export function formatSummary(path: string, s: ModelSummary, externalBytes = 0): string {
  const lines: string[] = [shownPath(path)];
  const producer = [s.producer.name, s.producer.version].filter(Boolean).join(' ');
  lines.push(`  size        ${formatBytes(s.sizeBytes)} (${s.sizeBytes} bytes)`);
  if (externalBytes > 0) lines.push(`  + external  ${formatBytes(externalBytes)} of data files, ${formatBytes(s.sizeBytes + externalBytes)} in all`);
  lines.push(`  IR version  ${s.irVersion}`);
  lines.push(`  opsets      ${s.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ')}`);
  if (producer) lines.push(`  producer    ${producer}`);
  lines.push(`  nodes       ${s.nodes}`);
  lines.push(`  params      ${formatCount(s.params)} (${s.params})`);
  const dtypes = Object.entries(s.bytesByDType).sort((a, b) => b[1] - a[1]);
  if (dtypes.length > 0) lines.push(`  weights     ${dtypes.map(([d, b]) => `${d} ${formatBytes(b)}`).join(', ')}`);
  lines.push(`  MACs        ${describeMacs(s.macs)}`);
  lines.push(`  WebGPU      ${s.webgpu.unsupportedNodes === 0 ? 'every op runs' : `${s.webgpu.unsupportedNodes} nodes fall back to WASM: ${s.webgpu.unsupportedOps.join(', ')}`}`);
  lines.push('', 'IO', ...describeIO('in ', s.inputs), ...describeIO('out', s.outputs));
  const ops = Object.entries(s.opHistogram).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shownOps = ops.slice(0, TOP_OPS);
  lines.push('', `Ops (${ops.length} types)`);
  lines.push(formatTable(['op', 'count'], shownOps.map(([op, n]) => [op, String(n)]), ['left', 'right']));
  if (ops.length > shownOps.length) lines.push(`… and ${ops.length - shownOps.length} more op types`);
  const layers = [...s.layers].sort((a, b) => b.bytes - a.bytes).slice(0, TOP_LAYERS);
  if (layers.length > 0) {
    lines.push('', `Largest layers (${layers.length} of ${s.layers.length})`);
    lines.push(
      formatTable(
        ['name', 'op', 'dtype', 'shape', 'params', 'bytes'],
        layers.map((l) => [l.name, l.op, l.dtype, formatShape(l.shape, '?'), formatCount(l.params), formatBytes(l.bytes)]),
        ['left', 'left', 'left', 'left', 'right', 'right'],
      ),
    );
  }
  return lines.join('\n');
}

export const inspectCommand: Command = {
  async run(argv, env) {
    const { values, positionals } = parseCommandArgs(NAME, argv, OPTIONS);
    if (values.help) {
      env.stdout(COMMAND_HELP[NAME].usage);
      return EXIT.ok;
    }
    requirePositionals(NAME, positionals, ['model.onnx']);
    const dims = dimFlags(NAME, values.dim);
    const path = positionals[0]!;
    const file = readModelFile(path, NAME);
    const summary = analyzeModel(file.model, file.sizeBytes, { dims });
    // With external data, its bytes too (the summary's sizeBytes is the .onnx file's).
    const external = file.externalBytes > 0 ? { externalBytes: file.externalBytes, totalBytes: file.sizeBytes + file.externalBytes } : {};
    env.stdout(values.json ? toJson({ ...summary, ...external }) : formatSummary(path, summary, file.externalBytes));
    return EXIT.ok;
  },
};
