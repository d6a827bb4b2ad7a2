// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { deflateSync } from 'fflate';
import { encodeReportData, reportToJson, type Report } from '../../src/core/report';
import { toBase64Url } from '../../src/core/report/share-link';
import { ReportView } from '../../src/ui/containers/ReportView';
import { StoreProvider } from '../../src/ui/store/store-context';
import { createStudioStore } from '../../src/ui/store/studio-store';
import { checkReproducible } from '../../src/ui/report/reproduce';
import { reportComparisonRows } from '../../src/ui/report/report-rows';
import { sha256Hex } from '../../src/core/util/sha256';
import { sampleReport } from '../core/report/report-fixtures';
import { fakeMethods, fakeRecipeText, fakeServices, stubResizeObserver } from './fakes';

afterEach(cleanup);

function renderLink(data: string) {
  stubResizeObserver();
  const store = createStudioStore({ services: fakeServices().services, methods: fakeMethods, recipeText: fakeRecipeText });
  return render(
    <StoreProvider store={store}>
      <ReportView route={{ kind: 'link', data }} />
    </StoreProvider>,
  );
}

const deflated = (text: string): string => toBase64Url(deflateSync(new TextEncoder().encode(text)));

describe('ReportView', () => {
  it('shows a link’s report in the comparison table, read-only', () => {
    renderLink(encodeReportData(sampleReport()));
    const table = screen.getByTestId('comparison-table');
    const variant = table.querySelector('tr[data-variant="int8-weight"]') as HTMLElement;
    expect(within(variant).getByTestId('cosine').textContent).toBe('0.99990');
    expect(variant.querySelector('[data-metric="size"]')!.textContent).toBe('400 B');
    expect(variant.querySelector('[data-metric="latency"]')!.textContent).toBe('1.50 ms');
    expect(within(table).queryByRole('button')).toBeNull();
    expect(screen.getByTestId('report-sha256').textContent).toContain('a'.repeat(64));
  });

  it.each<[string, string, string]>([
    ['invalid base64', 'abc$%^', 'base64'],
    ['corrupt deflate', toBase64Url(new Uint8Array([0xff, 0xff, 0xff, 0x00])), 'deflate'],
    ['a decompression bomb', toBase64Url(deflateSync(new Uint8Array(8 << 20), { level: 9 })), 'too-large'],
    ['JSON that is not a report', deflated('[1,2,3]'), 'schema'],
    ['absurd numbers', deflated(reportToJson({ ...sampleReport(), original: { ...sampleReport().original, sizeBytes: 1e200 } })), 'schema'],
    ['not JSON at all', deflated('<script>alert(1)</script>'), 'json'],
  ])('ends %s on the error view', (_what, data, reason) => {
    const { container } = renderLink(data);
    const error = screen.getByTestId('report-error');
    expect(error.dataset.reason).toBe(reason);
    expect(screen.queryByTestId('report-view')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
  });

  it('renders every string of a report as text: no elements, links or handlers from its data', () => {
    const hostile = '<img src=x onerror="window.__pwned=1"><a href="javascript:alert(1)">x</a>';
    const base = sampleReport();
    const report: Report = {
      ...base,
      model: { ...base.model, fileName: hostile, opHistogram: { [hostile]: 1 } },
      variants: [{ ...base.variants[0]!, label: hostile, fidelity: { ...base.variants[0]!.fidelity!, outputs: [{ ...base.variants[0]!.fidelity!.outputs[0]!, name: hostile }] } }],
    };
    const { container } = renderLink(encodeReportData(report));
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelectorAll('a')).toHaveLength(0);
    expect(container.querySelector('[onerror]')).toBeNull();
    expect(container.textContent).toContain(hostile);
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('rows match the report figures the CSV carries', () => {
    const rows = reportComparisonRows(sampleReport());
    expect(rows.map((r) => [r.label, r.sizeBytes, r.medianMs])).toEqual([
      ['Original', 1000, 2],
      ['int8-weight', 400, 1.5],
    ]);
    expect(rows[1]!.fileName).toBeNull();
  });
});

describe('reproducing a report', () => {
  it('accepts the model with the report’s SHA-256 and refuses another with the reason', async () => {
    const bytes = new Uint8Array(1000).map((_, i) => i % 251);
    const report = sampleReport();
    report.model.sha256 = await sha256Hex(bytes);
    const same = await checkReproducible(report, new File([bytes], 'model.onnx'));
    expect(same.ok).toBe(true);
    if (same.ok) expect(same.recipes[0]!.steps[0]!.method).toBe('int8-weight');
    const other = bytes.slice();
    other[0] = 99;
    const different = await checkReproducible(report, new File([other], 'other.onnx'));
    expect(different).toMatchObject({ ok: false, reason: expect.stringMatching(/other\.onnx has SHA-256 .* a different model/) });
    const smaller = await checkReproducible(report, new File([bytes.subarray(1)], 'cut.onnx'));
    expect(smaller).toMatchObject({ ok: false, reason: expect.stringMatching(/cut\.onnx is 999 bytes; the report is about model\.onnx, 1000 bytes/) });
  });

  it('refuses a recipe this studio cannot run', async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const base = sampleReport();
    const report: Report = { ...base, model: { ...base.model, sizeBytes: 3, sha256: await sha256Hex(bytes) }, variants: [{ ...base.variants[0]!, recipe: { steps: [{ method: 'rm-rf' }] } }] };
    const check = await checkReproducible(report, new File([bytes], 'model.onnx'));
    expect(check).toMatchObject({ ok: false, reason: expect.stringMatching(/recipe of int8-weight cannot run here: .*rm-rf/) });
  });
});
