import { useSyncExternalStore } from 'react';
import { reportDataOf, type Report } from '../../core/report';

/** Where the page is: the studio, a share link's report, or a report file the user imported. */
export type ReportRoute = { kind: 'studio' } | { kind: 'link'; data: string } | { kind: 'file'; report: Report };

/** The hash an imported report is shown under (its data is in memory, not in the URL). */
export const IMPORTED_ROUTE = '#/report-file';

let imported: Report | null = null;
let cached: { hash: string; imported: Report | null; route: ReportRoute } | null = null;

function current(): ReportRoute {
  const hash = location.hash;
  if (cached && cached.hash === hash && cached.imported === imported) return cached.route;
  const data = reportDataOf(hash);
  const route: ReportRoute = data !== null ? { kind: 'link', data } : hash === IMPORTED_ROUTE && imported ? { kind: 'file', report: imported } : { kind: 'studio' };
  cached = { hash, imported, route };
  return route;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

/** The route from location.hash, re-read on every hash change. */
export function useReportRoute(): ReportRoute {
  return useSyncExternalStore(subscribe, current);
}

/** Shows a report read from a file (re-importing an exported report). */
export function openImportedReport(report: Report): void {
  imported = report;
  if (location.hash === IMPORTED_ROUTE) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = IMPORTED_ROUTE;
}

/** Back to the studio (the report's data leaves the address bar). */
export function leaveReport(): void {
  imported = null;
  history.pushState(null, '', `${location.pathname}${location.search}`);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}
