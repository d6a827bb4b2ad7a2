import { describe, expect, it } from 'vitest';
import {
  assertNoUnknownLabels,
  labelsFromFolders,
  parseClassList,
  parseClassNames,
  parseLabelCsv,
  resolveLabels,
} from '../../../../src/core/evaluate/loaders/labels';
import { loadLabelledSamples } from '../../../../src/core/evaluate/loaders/labelled-set';
import type { SampleSource } from '../../../../src/core/evaluate/loaders/sample-set';
import { SampleFormatError } from '../../../../src/core/evaluate/loaders/sample-error';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('parseLabelCsv', () => {
  it('reads file,label rows, skips a header and blank lines, handles quotes and CRLF', () => {
    const rows = parseLabelCsv(text('\uFEFFfile,label\r\na.png,cat\r\n\r\n"b, 2.png","dog"\r\n./c.png,3\n'), 'l.csv');
    expect(rows).toEqual([
      { file: 'a.png', label: 'cat' },
      { file: 'b, 2.png', label: 'dog' },
      { file: 'c.png', label: '3' },
    ]);
  });

  it.each([
    ['a.png\n', /l.csv: line 1 is 'a.png'; expected file,label/],
    ['a.png,cat,extra\n', /line 1 is 'a.png,cat,extra'/],
    ['a.png,cat\na.png,dog\n', /l.csv: line 2 labels 'a.png' again \(first on line 1\)/],
    ['file,label\n', /l.csv: no labelled rows/],
  ])('gives a typed error for %j', (csv, message) => {
    expect(() => parseLabelCsv(text(csv), 'l.csv')).toThrow(message);
  });
});

describe('labels from folders and class lists', () => {
  it('labels files by their class folder and refuses loose files', () => {
    expect(labelsFromFolders(['cat/1.png', 'dog/a/2.png'])).toEqual([
      { file: 'cat/1.png', label: 'cat' },
      { file: 'dog/a/2.png', label: 'dog' },
    ]);
    expect(() => labelsFromFolders(['cat/1.png', 'loose.png'])).toThrow(/loose.png: lies in the samples folder itself, outside any class folder/);
  });

  it('parses class lists as lines or JSON, refusing duplicates', () => {
    expect(parseClassList(text('cat\ndog\n\n'), 'c.txt')).toEqual(['cat', 'dog']);
    expect(parseClassList(text('["a", "b"]'), 'c.json')).toEqual(['a', 'b']);
    expect(() => parseClassList(text('a\nb\na\n'), 'c.txt')).toThrow(/c.txt: class 'a' is listed twice/);
    expect(() => parseClassList(text('[1, 2]'), 'c.json')).toThrow(/expected a JSON array of class-name strings/);
  });

  it('parses a typed class list the same way: one line comma-separated, several lines one name each', () => {
    expect(parseClassNames('cat, dog ,bird', 'Class list')).toEqual(['cat', 'dog', 'bird']);
    expect(parseClassNames('0,\n180', 'Class list')).toEqual(['0', '180']);
    expect(parseClassNames('tench, Tinca tinca\ngoldfish, Carassius auratus\n', 'classes.txt')).toEqual(['tench, Tinca tinca', 'goldfish, Carassius auratus']);
    expect(() => parseClassNames(' , ', 'Class list')).toThrow(/^Class list: the class list is empty/);
  });

  it('maps integers directly, names by the class list, or by sorted names without one', () => {
    const ints = resolveLabels([{ file: 'a', label: '2' }, { file: 'b', label: '0' }], undefined, 3);
    expect(ints).toMatchObject({ indices: [2, 0], mapping: 'indices', unknown: [] });
    const named = resolveLabels([{ file: 'a', label: 'dog' }, { file: 'b', label: '0' }], ['cat', 'dog']);
    expect(named).toMatchObject({ indices: [1, 0], mapping: 'class-list' });
    const sorted = resolveLabels([{ file: 'a', label: 'zebra' }, { file: 'b', label: 'ant' }]);
    expect(sorted).toMatchObject({ indices: [1, 0], mapping: 'sorted-names', classNames: ['ant', 'zebra'] });
  });

  it('reports unknown labels with their files instead of skipping them', () => {
    const r = resolveLabels([{ file: 'cat/1.png', label: 'cat' }, { file: 'dgo/2.png', label: 'dgo' }, { file: 'x.png', label: '7' }], ['cat', 'dog']);
    expect(r.unknown).toEqual([{ file: 'dgo/2.png', label: 'dgo' }, { file: 'x.png', label: '7' }]);
    expect(r.indices).toEqual([0, -1, -1]);
    expect(() => assertNoUnknownLabels(r, 'labels.csv')).toThrow(SampleFormatError);
    expect(() => assertNoUnknownLabels(r, 'labels.csv')).toThrow(/labels.csv: 2 labels are unknown: 'dgo' \(dgo\/2.png\), '7' \(x.png\); expected a class of \[cat, dog\] or an index below 2/);
    const tooBig = resolveLabels([{ file: 'a', label: '5' }], undefined, 5);
    expect(() => assertNoUnknownLabels(tooBig, 'l.csv', 5)).toThrow(/1 label is unknown: '5' \(a\); expected an index below 5/);
  });
});

describe('loadLabelledSamples', () => {
  const src = (path: string, s: string): SampleSource => ({ path, read: async () => text(s) });
  const inputs = [{ name: 'x', dtype: 'float32', shape: [1, 2] }];

  it('loads the labelled files in label order with their indices', async () => {
    const entries = [{ file: 'b.json', label: '1' }, { file: 'a.json', label: '0' }];
    const r = await loadLabelledSamples([src('a.json', '[1, 2]'), src('b.json', '[3, 4]')], entries, resolveLabels(entries), 'l.csv', { inputs });
    expect(r.files).toEqual(['b.json', 'a.json']);
    expect(r.labels).toEqual([1, 0]);
    expect(Array.from(r.samples[0]!.x!.data as Float32Array)).toEqual([3, 4]);
  });

  it('names labelled files that are not in the folder', async () => {
    const entries = [{ file: 'gone.json', label: '0' }];
    await expect(loadLabelledSamples([src('a.json', '[1, 2]')], entries, resolveLabels(entries), 'l.csv', { inputs })).rejects.toThrow(
      /l.csv: lists 1 file not in the samples folder: 'gone.json'/,
    );
  });
});
