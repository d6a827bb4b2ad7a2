import { describe, expect, it } from 'vitest';
import { consumeLaunchFiles, type LaunchParamsLike } from '../../src/ui/pwa/launch-files';
import type { DroppedFile } from '../../src/ui/services/types';
import { routeDrop } from '../../src/ui/store/drop-routing';

/** A launch queue like Chromium's: one consumer, fed the params the system launched the app with. */
function fakeQueue() {
  let consumer: ((p: LaunchParamsLike) => void) | undefined;
  return {
    setConsumer: (c: (p: LaunchParamsLike) => void) => void (consumer = c),
    launch: (p: LaunchParamsLike) => consumer?.(p),
  };
}

const handle = (file: File) => ({ name: file.name, getFile: () => Promise.resolve(file) });
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('opening the files an installed studio was launched with', () => {
  it('hands them on as a drop, so a launched .onnx opens as the model', async () => {
    const queue = fakeQueue();
    const opened: DroppedFile[][] = [];
    const errors: unknown[] = [];
    expect(consumeLaunchFiles(queue, (f) => opened.push(f), (e) => errors.push(e))).toBe(true);
    const model = new File(['ONNX…'], 'detector.onnx');
    const data = new File(['weights'], 'detector.onnx.data');
    queue.launch({ files: [handle(model), handle(data)] });
    await flush();
    expect(opened).toHaveLength(1);
    expect(opened[0]!.map((d) => [d.path, d.file])).toEqual([
      ['detector.onnx', model],
      ['detector.onnx.data', data],
    ]);
    expect(routeDrop(opened[0]!, true)).toBe('model');
    expect(errors).toEqual([]);
  });

  it('ignores a launch without files (the app opened from its icon)', async () => {
    const queue = fakeQueue();
    const opened: DroppedFile[][] = [];
    consumeLaunchFiles(queue, (f) => opened.push(f), () => undefined);
    queue.launch({});
    queue.launch({ files: [] });
    await flush();
    expect(opened).toEqual([]);
  });

  it('names a file that cannot be read, with a typed error, and still opens the readable ones', async () => {
    const queue = fakeQueue();
    const opened: DroppedFile[][] = [];
    const errors: Error[] = [];
    consumeLaunchFiles(queue, (f) => opened.push(f), (e) => errors.push(e as Error));
    const model = new File(['ONNX…'], 'a.onnx');
    queue.launch({ files: [handle(model), { name: 'gone.onnx', getFile: () => Promise.reject(new Error('the file was moved')) }] });
    await flush();
    expect(opened.map((f) => f.map((d) => d.path))).toEqual([['a.onnx']]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.name).toBe('ModelFormatError');
    expect(errors[0]!.message).toMatch(/gone\.onnx \(the file was moved\).*Expected a readable \.onnx file/);
  });

  it('reports that there is nothing to consume where the browser has no launch queue', () => {
    expect(consumeLaunchFiles(undefined, () => undefined, () => undefined)).toBe(false);
  });
});
