import { describe, expect, it } from 'vitest';
import { csvField, markdownText, reportTableRows, reportToCsv, reportToMarkdown } from '../../../src/core/report';
import { sampleReport } from './report-fixtures';

/** A minimal CSV reader (quoted fields, doubled quotes) to check what reportToCsv writes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\r' && text[i + 1] === '\n') {
      endField();
      rows.push(row);
      row = [];
      i++;
    } else field += c;
  }
  return rows;
}

describe('report exports', () => {
  it('CSV: one line per model with the table figures unformatted', () => {
    const report = sampleReport();
    const [header, original, variant] = parseCsv(reportToCsv(report));
    const col = (name: string) => header!.indexOf(name);
    expect(header!.slice(0, 3)).toEqual(['model', 'recipe', 'size_bytes']);
    expect(original![col('model')]).toBe('Original');
    expect(Number(original![col('median_ms')])).toBe(2);
    expect(variant![col('model')]).toBe('int8-weight');
    expect(variant![col('recipe')]).toBe('int8-weight');
    expect(Number(variant![col('size_bytes')])).toBe(400);
    expect(Number(variant![col('size_vs_original')])).toBe(0.4);
    expect(Number(variant![col('speedup')])).toBeCloseTo(2 / 1.5, 12);
    expect(Number(variant![col('y cosine')])).toBe(0.9999);
    expect(variant![col('y sqnr_db')]).toBe('Infinity');
    const rows = reportTableRows(report);
    expect(rows[1]!.speedup).toBeCloseTo(2 / 1.5, 12);
  });

  it('CSV: quotes separators and defuses spreadsheet formulas in text', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField(-1.5)).toBe('-1.5');
    const base = sampleReport();
    const hostile = { ...base, variants: [{ ...base.variants[0]!, label: '@SUM(A1)\r\n,x' }] };
    expect(parseCsv(reportToCsv(hostile))[2]![0]).toBe("'@SUM(A1)\r\n,x");
  });

  it('Markdown: a table a pull request renders, with report text escaped', () => {
    const base = sampleReport();
    const md = reportToMarkdown({ ...base, variants: [{ ...base.variants[0]!, label: '[click](javascript:alert(1)) <img src=x> | cell' }] });
    expect(md).toContain('| model | recipe | size |');
    expect(md).toContain('reference');
    expect(md).toContain('0.99990');
    expect(md).not.toMatch(/(^|[^\\])<img/);
    expect(md).not.toContain('](javascript');
    expect(md).toContain('\\[click\\]\\(javascript:alert\\(1\\)\\) \\<img src=x\\> \\| cell');
    expect(markdownText('a\nb')).toBe('a b');
  });
});
