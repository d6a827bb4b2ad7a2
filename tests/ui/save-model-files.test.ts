import { describe, expect, it } from 'vitest';
import { saveModelFiles, type FolderPicker, type SaveHost } from '../../src/ui/services/save-model-files';
import type { ModelFiles } from '../../src/ui/services/types';

const files = (external: [string, string][]): ModelFiles => ({
  name: 'm.onnx',
  model: new Blob(['onnx']),
  external: new Map(external.map(([n, text]) => [n, new Blob([text])])),
});

function downloads(): SaveHost & { saved: [string, number][] } {
  const saved: [string, number][] = [];
  return { saved, saveFile: (data, name) => saved.push([name, data.size]) };
}

/** A folder picker over a map of written files; `fail` makes it refuse like a cancelled dialog or a blocked folder. */
function picker(written: Map<string, string>, fail?: string): FolderPicker {
  return {
    async showDirectoryPicker() {
      if (fail) throw Object.assign(new Error(fail), { name: fail });
      return {
        async getFileHandle(name: string) {
          return {
            async createWritable() {
              let text = '';
              return new WritableStream<Uint8Array>({
                write: (chunk) => void (text += new TextDecoder().decode(chunk)),
                close: () => void written.set(name, text),
              });
            },
          };
        },
      };
    },
  };
}

describe('saving a variant with its data file', () => {
  it('a model without external data is one download, whatever the browser has', async () => {
    const host = { ...downloads(), picker: picker(new Map()) };
    expect(await saveModelFiles(files([]), 'm.int8.onnx', host)).toBe('file');
    expect(host.saved).toEqual([['m.int8.onnx', 4]]);
  });

  it('with the folder picker, the .onnx and its data file are streamed into the chosen folder', async () => {
    const written = new Map<string, string>();
    const host = { ...downloads(), picker: picker(written) };
    expect(await saveModelFiles(files([['m.fp16.onnx.data', 'weights']]), 'm.fp16.onnx', host)).toBe('folder');
    expect(Object.fromEntries(written)).toEqual({ 'm.fp16.onnx': 'onnx', 'm.fp16.onnx.data': 'weights' });
    expect(host.saved).toEqual([]);
  });

  it('without it, or when the folder cannot be written, each file is its own download; a cancelled picker saves nothing', async () => {
    const plain = downloads();
    expect(await saveModelFiles(files([['m.fp16.onnx.data', 'weights']]), 'm.fp16.onnx', plain)).toBe('downloads');
    expect(plain.saved).toEqual([['m.fp16.onnx', 4], ['m.fp16.onnx.data', 7]]);
    const blocked = { ...downloads(), picker: picker(new Map(), 'NotAllowedError') };
    expect(await saveModelFiles(files([['d', 'w']]), 'm.onnx', blocked)).toBe('downloads');
    expect(blocked.saved.map(([n]) => n)).toEqual(['m.onnx', 'd']);
    const cancelled = { ...downloads(), picker: picker(new Map(), 'AbortError') };
    expect(await saveModelFiles(files([['d', 'w']]), 'm.onnx', cancelled)).toBe('cancelled');
    expect(cancelled.saved).toEqual([]);
  });
});
