import { SampleFormatError } from './sample-error';

/** One labelled sample: its path in the samples folder and the label as written. */
export interface LabelledFile {
  file: string;
  label: string;
}

/** Splits one CSV line into fields (RFC 4180 quotes: "a,b" and "" for a quote). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}

const HEADER_FILE = /^(file|filename|path|image|sample)$/i;

/**
 * Parses a `file,label` CSV (a header row such as `file,label` is recognised and skipped; blank
 * lines are skipped). Paths are relative to the samples folder. Throws SampleFormatError naming
 * the CSV and the line for rows without two fields, empty fields or a file listed twice.
 */
export function parseLabelCsv(bytes: Uint8Array, csvFile: string): LabelledFile[] {
  const text = new TextDecoder().decode(bytes).replace(/^\uFEFF/, '');
  const out: LabelledFile[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const fields = csvFields(line);
    if (out.length === 0 && seen.size === 0 && HEADER_FILE.test(fields[0] ?? '')) {
      seen.set('', i);
      return;
    }
    if (fields.length !== 2 || fields[0] === '' || fields[1] === '') {
      throw new SampleFormatError(csvFile, `line ${i + 1} is '${line}'; expected file,label with both fields set.`);
    }
    const file = fields[0]!.replace(/\\/g, '/').replace(/^\.\//, '');
    const first = seen.get(file);
    if (first !== undefined) throw new SampleFormatError(csvFile, `line ${i + 1} labels '${file}' again (first on line ${first + 1}); expected one label per file.`);
    seen.set(file, i);
    out.push({ file, label: fields[1]! });
  });
  if (out.length === 0) throw new SampleFormatError(csvFile, 'no labelled rows; expected lines of file,label.');
  return out;
}

/**
 * Labels from a folder per class: `cat/1.png` is labelled `cat`. Files directly in the root
 * have no class: they are an error naming them, not skipped.
 */
export function labelsFromFolders(paths: readonly string[], root = 'samples folder'): LabelledFile[] {
  const loose = paths.filter((p) => !p.includes('/'));
  if (loose.length > 0) {
    throw new SampleFormatError(loose[0]!, `lies in the ${root} itself, outside any class folder (${loose.length} such file${loose.length === 1 ? '' : 's'}); expected one folder per class.`);
  }
  return paths.map((file) => ({ file, label: file.slice(0, file.indexOf('/')) }));
}

/**
 * Parses a class list (index = position): a JSON array of names; or one name per line (blank
 * lines and a trailing comma ignored; names may hold commas, as ImageNet's do); or, when it is a
 * single line, names separated by commas. The CLI reads it from a file, the studio from a text
 * box: `source` names where it came from in errors.
 */
export function parseClassNames(text: string, source: string): string[] {
  const body = text.replace(/^\uFEFF/, '');
  let names: string[];
  if (body.trimStart().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (e) {
      throw new SampleFormatError(source, `not valid JSON (${e instanceof Error ? e.message : String(e)}); expected an array of class names.`);
    }
    if (!Array.isArray(parsed) || parsed.some((n) => typeof n !== 'string')) throw new SampleFormatError(source, 'expected a JSON array of class-name strings.');
    names = parsed as string[];
  } else {
    const lines = body.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
    names = (lines.length === 1 ? lines[0]!.split(',') : lines.map((l) => l.replace(/,$/, ''))).map((n) => n.trim()).filter((n) => n !== '');
  }
  if (names.length === 0) throw new SampleFormatError(source, 'the class list is empty; expected class names in output order: one per line, comma-separated, or a JSON array.');
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new SampleFormatError(source, `class '${dup}' is listed twice; expected each class once (its position is its output index).`);
  return names;
}

/** A class-list file's bytes, parsed by parseClassNames. */
export function parseClassList(bytes: Uint8Array, file: string): string[] {
  return parseClassNames(new TextDecoder().decode(bytes), file);
}

/** Labels resolved to output indices. */
export interface ResolvedLabels {
  /** Output index per labelled file, in the order given. */
  indices: number[];
  /** How names became indices. */
  mapping: 'indices' | 'class-list' | 'sorted-names';
  /** Index -> class name, when labels are names. */
  classNames?: string[];
  /** Labels that are neither a class of the list nor a valid index; these files have no index (-1). */
  unknown: LabelledFile[];
}

const INDEX = /^\d+$/;

/**
 * Maps labels to output indices. With a class list, a label is a class name (its position) or
 * an index below the list's length. Without one, labels that are all integers are indices, and
 * names are numbered in sorted order (torchvision ImageFolder's rule). `classCount`, when known
 * from the model's output, bounds the indices. Unknown labels are returned, never dropped.
 */
export function resolveLabels(entries: readonly LabelledFile[], classList?: readonly string[], classCount?: number): ResolvedLabels {
  const limit = classList?.length ?? classCount ?? Infinity;
  const byName = classList ? new Map(classList.map((n, i) => [n, i])) : undefined;
  const allIndices = entries.every((e) => INDEX.test(e.label));
  let mapping: ResolvedLabels['mapping'];
  let classNames: string[] | undefined;
  let lookup: (label: string) => number | undefined;
  if (byName) {
    mapping = 'class-list';
    classNames = [...classList!];
    lookup = (l) => byName.get(l) ?? (INDEX.test(l) ? Number(l) : undefined);
  } else if (allIndices) {
    mapping = 'indices';
    lookup = (l) => Number(l);
  } else {
    mapping = 'sorted-names';
    classNames = [...new Set(entries.map((e) => e.label))].sort();
    const sorted = new Map(classNames.map((n, i) => [n, i]));
    lookup = (l) => sorted.get(l);
  }
  const unknown: LabelledFile[] = [];
  const indices = entries.map((e) => {
    const i = lookup(e.label);
    if (i === undefined || i >= limit) {
      unknown.push(e);
      return -1;
    }
    return i;
  });
  return { indices, mapping, ...(classNames && { classNames }), unknown };
}

/** Throws SampleFormatError listing unknown labels (up to 5, with their files). */
export function assertNoUnknownLabels(resolved: ResolvedLabels, labelsFile: string, classCount?: number): void {
  if (resolved.unknown.length === 0) return;
  const shown = resolved.unknown.slice(0, 5).map((u) => `'${u.label}' (${u.file})`).join(', ');
  const more = resolved.unknown.length > 5 ? ` and ${resolved.unknown.length - 5} more` : '';
  const expected = resolved.classNames
    ? `a class of [${resolved.classNames.slice(0, 10).join(', ')}${resolved.classNames.length > 10 ? ', ...' : ''}] or an index below ${resolved.classNames.length}`
    : `an index below ${classCount ?? '?'}`;
  throw new SampleFormatError(labelsFile, `${resolved.unknown.length} label${resolved.unknown.length === 1 ? ' is' : 's are'} unknown: ${shown}${more}; expected ${expected}.`);
}
