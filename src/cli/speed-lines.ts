import { speedRatioInterval, speedVerdict, type SpeedVerdict } from '../core/evaluate/ratio-interval';

/** One model's speed against the first model timed on the same lane, with the 95% bootstrap interval. */
export interface SpeedRow {
  model: string;
  against: string;
  threads: number;
  ratio: number;
  low: number;
  high: number;
  verdict: SpeedVerdict;
}

interface Timed {
  model: string;
  threads: number;
  samplesMs?: number[];
}

/** Every model after the first on each thread count, against that first one (runs paired: they were interleaved). */
export function speedRows(timed: readonly Timed[]): SpeedRow[] {
  const rows: SpeedRow[] = [];
  const first = new Map<number, Timed>();
  for (const t of timed) {
    const base = first.get(t.threads);
    if (!base) {
      first.set(t.threads, t);
      continue;
    }
    if (!base.samplesMs?.length || !t.samplesMs?.length) continue;
    const iv = speedRatioInterval(base.samplesMs, t.samplesMs, { seed: 20 });
    rows.push({ model: t.model, against: base.model, threads: t.threads, ratio: iv.ratio, low: iv.low, high: iv.high, verdict: speedVerdict(iv) });
  }
  return rows;
}

/** "b.onnx vs a.onnx (1 thread): 1.25x faster, 95% interval 1.18-1.31x" or "same speed (1.02x, 0.95-1.10x)". */
export function speedLine(r: SpeedRow): string {
  const range = `${r.low.toFixed(2)}-${r.high.toFixed(2)}x`;
  const what = r.verdict === 'same' ? `same speed (${r.ratio.toFixed(2)}x, 95% interval ${range})` : `${r.ratio >= 1 ? r.ratio.toFixed(2) : (1 / r.ratio).toFixed(2)}x ${r.ratio >= 1 ? 'faster' : 'slower'}, 95% interval ${range}`;
  return `${r.model} vs ${r.against} (${r.threads} thread${r.threads === 1 ? '' : 's'}): ${what}`;
}
