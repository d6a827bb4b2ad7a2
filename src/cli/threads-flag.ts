import { UsageError } from './cli-errors';

/**
 * `--threads` as a list of WASM thread counts: '4', 'all' or '1,all' ('all' is every logical
 * core). Duplicates are dropped, the order kept.
 */
export function threadsFlag(command: string, value: string | undefined, allThreads: number, fallback: readonly number[] = [1]): number[] {
  if (value === undefined) return [...fallback];
  const counts: number[] = [];
  for (const part of value.split(',').map((p) => p.trim())) {
    const n = part === 'all' ? allThreads : /^\d+$/.test(part) ? Number(part) : NaN;
    if (!Number.isSafeInteger(n) || n < 1 || n > 1024) {
      throw new UsageError(`--threads was '${value}'; expected thread counts from 1 to 1024 or 'all', comma-separated (e.g. 1,all).`, command);
    }
    if (!counts.includes(n)) counts.push(n);
  }
  return counts;
}
