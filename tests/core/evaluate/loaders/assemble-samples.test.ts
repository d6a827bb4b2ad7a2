import { describe, expect, it } from 'vitest';
import { assembleSampleSet, isHiddenSamplePath, type SampleSetRequest } from '../../../../src/core/evaluate/loaders/assemble-samples';
import type { SampleSource } from '../../../../src/core/evaluate/loaders/sample-set';
import { seededPixels } from '../../../fixtures/samples';
import { tinyImageClassifier } from '../../../fixtures/samples-models';

const model = tinyImageClassifier();
const text = (s: string) => new TextEncoder().encode(s);
const source = (path: string, bytes: Uint8Array): SampleSource => ({ path, read: async () => bytes });
const image = (path: string, seed: number): SampleSource => source(path, new Uint8Array([seed]));
/** The host's decoder, injected: here the file's one byte seeds its 8x8 pixels. */
const decodeImage = async (bytes: Uint8Array) => ({ width: 8, height: 8, data: seededPixels(8, 8, bytes[0]) });
const root = { name: 'samples folder', source: 'class folders' };
const read = (request: Partial<SampleSetRequest> & Pick<SampleSetRequest, 'files'>) =>
  assembleSampleSet(model, { classes: { mode: 'auto' }, labelsCsv: 'among-files', root, ...request }, { image: { preset: 'none' }, decodeImage });

describe('sample-set assembly (the one the workers and the CLI share)', () => {
  it('skips dot-files and __MACOSX and sorts by path before anything is read', async () => {
    expect(['.DS_Store', 'a/.hidden.png', '__MACOSX/a/._x.png', 'x/__MACOSX/y.png'].every(isHiddenSamplePath)).toBe(true);
    expect(isHiddenSamplePath('cats/1.png')).toBe(false);
    const readHidden = () => Promise.reject(new Error('a hidden file was read'));
    const set = await read({ files: [image('b.png', 2), { path: '__MACOSX/._b.png', read: readHidden }, { path: '.x.png', read: readHidden }, image('a.png', 1)] });
    expect(set.info.files).toEqual(['a.png', 'b.png']);
    expect(set.labels).toBeUndefined();
  });

  it('labels by class folders, bounded by the declared class count', async () => {
    const set = await read({ files: [image('3/a.png', 1), image('1/b.png', 2), source('1/notes.txt', text('x'))] });
    expect(set.labels).toEqual([1, 3]);
    expect(set.info.ignored).toEqual(['1/notes.txt']);
    expect(set.info.labelled).toMatchObject({ source: 'class folders', mapping: 'indices', output: 'logits', classCount: 6 });
    await expect(read({ files: [image('9/a.png', 1)] })).rejects.toThrow(/'9' \(9\/a.png\); expected an index below 6/);
  });

  it('labels by a CSV among the files (paths relative to its folder) or by one given apart', async () => {
    const files = [image('set/x.png', 1), image('set/y.png', 2), source('set/labels.csv', text('file,label\nx.png,cat\ny.png,dog\n'))];
    const found = await read({ files, classes: { mode: 'list', names: ['dog', 'cat'] } });
    expect(found.labels).toEqual([1, 0]);
    expect(found.info.labelled).toMatchObject({ source: 'set/labels.csv', mapping: 'class-list' });
    const given = await read({ files: files.slice(0, 2), labelsCsv: source('elsewhere.csv', text('set/y.png,4\n')) });
    expect(given.labels).toEqual([4]);
    expect(given.info.ignored).toEqual(['set/x.png']);
    expect(given.labelling).toMatchObject({ source: 'elsewhere.csv', entries: [{ file: 'set/y.png', label: '4' }] });
  });

  it('looks for no CSV where the host says so (the CLI without --labels): a .csv is then a file that is not a sample', async () => {
    const set = await read({ files: [image('a.png', 1), source('results.csv', text('a.png,3'))], labelsCsv: 'none' });
    expect(set.labels).toBeUndefined();
    expect(set.info.ignored).toEqual(['results.csv']);
  });

  it('refuses a second CSV instead of picking one', async () => {
    await expect(read({ files: [image('a.png', 1), source('a.csv', text('a.png,1')), source('b.csv', text('a.png,2'))] })).rejects.toThrow(/b.csv: is a second labels CSV/);
  });
});
