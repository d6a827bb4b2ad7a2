// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { decodeReportData, reportDataOf } from '../../src/core/report';
import { seededRandom } from '../../src/core/util/random';
import { ReportExportBar } from '../../src/ui/report/ReportExportBar';
import { ReportServicesProvider } from '../../src/ui/report/report-services';
import { studioReport } from '../../src/ui/report/studio-report';
import { StoreProvider } from '../../src/ui/store/store-context';
import { createStudioStore } from '../../src/ui/store/studio-store';
import type { Variant } from '../../src/ui/store/variants-slice';
import type { Measurement } from '../../src/ui/store/measure-slice';
import type { ModelSummary } from '../../src/ui/services/types';
import { bench } from '../core/report/report-fixtures';
import { fakeMethods, fakeRecipeText, fakeServices } from './fakes';

afterEach(cleanup);

const summary = {
  sizeBytes: 1000,
  opsets: [{ domain: '', version: 17 }],
  params: 250,
  macs: { total: 5000, byNode: [], complete: true, assumedDims: {} },
  opHistogram: { MatMul: 2 },
} as unknown as ModelSummary;
const model = { id: 'm1', name: 'model.onnx', sizeBytes: 1000, externalFiles: [], source: 'file' as const };

function variant(id: string, label: string): Variant {
  return { id, label, recipeText: 'int8-weight', recipe: { steps: [{ method: 'int8-weight', options: {} }] }, fileName: 'model.int8.onnx', sizeBytes: 400, steps: [], ms: 1, cpuOnly: false };
}

const measurement = (p50: number, cosine: number | null): Measurement => ({
  backend: 'wasm',
  round: 1,
  status: 'done',
  bench: { ...bench(p50), inputShapes: {}, cost: { macs: 0, macsComplete: true, weightBytes: 0, activationBytes: 0, unknownActivations: 0 } },
  fidelity: cosine === null ? null : { samples: 2, inputShapes: {}, outputs: [{ name: 'y', elements: 4, cosine, sqnrDb: 40, maxAbs: 0.01, meanAbs: 0.001, relL2: 0.01, nonFinite: { reference: 0, candidate: 0 } }] },
  error: null,
});

function renderBar(variants: Variant[]) {
  const store = createStudioStore({ services: fakeServices().services, methods: fakeMethods, recipeText: fakeRecipeText });
  const measurements: Record<string, Measurement> = { m1: measurement(2, null) };
  for (const v of variants) measurements[v.id] = measurement(1.5, 0.999);
  store.setState({ model, summary, variants, measurements });
  render(
    <StoreProvider store={store}>
      <ReportServicesProvider value={{ modelSha256: () => Promise.resolve('b'.repeat(64)) }}>
        <ReportExportBar />
      </ReportServicesProvider>
    </StoreProvider>,
  );
}

describe('studio report', () => {
  it('carries what the table shows: sizes, medians and cosines by variant', () => {
    const report = studioReport({ model, summary, sha256: 'c'.repeat(64), variants: [variant('v1', 'int8-weight')], measurements: { m1: measurement(2, null), v1: measurement(1.5, 0.999) }, evaluation: null, perLayer: null, now: new Date(0) });
    expect(report.original.latency[0]).toMatchObject({ p50: 2, round: 1, backend: 'wasm' });
    expect(report.variants[0]).toMatchObject({ label: 'int8-weight', sizeBytes: 400, recipe: { steps: [{ method: 'int8-weight' }] } });
    expect(report.variants[0]!.fidelity!.outputs[0]!.cosine).toBe(0.999);
    expect(report.settings).toEqual({ runs: 10, warmup: 2, seed: 42, samples: 2 });
  });

  it('Share link gives a link that decodes to the comparison', async () => {
    renderBar([variant('v1', 'int8-weight')]);
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Share link' }));
    });
    const link = (screen.getByTestId('share-link') as HTMLInputElement).value;
    const report = decodeReportData(reportDataOf(new URL(link).hash)!);
    expect(report.model.sha256).toBe('b'.repeat(64));
    expect(report.variants[0]!.label).toBe('int8-weight');
  });

  it('a report too big for a link says so and offers the file', async () => {
    const rnd = seededRandom(5);
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    const label = () => Array.from({ length: 200 }, () => alphabet[Math.floor(rnd.next() * alphabet.length)]).join('');
    renderBar(Array.from({ length: 60 }, (_, i) => variant(`v${i}`, label())));
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Share link' }));
    });
    expect(screen.getByTestId('share-too-big').textContent).toMatch(/more than the 8.00 KB .* Export JSON instead/);
    expect(screen.queryByTestId('share-link')).toBeNull();
  });
});
