/** Small helpers the bench scenarios share. */
import { performance } from 'node:perf_hooks';

/** The p-th percentile (0..1) of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))]!;
}

/** A seeded generator (mulberry32): the same seed draws the same numbers, in [0, 1). */
export function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A scenario's result: what it compared and the latencies of both, as every latency scenario reports them. */
export interface Compared {
  scenario: string;
  baseline: string;
  p50_ms: number;
  p95_ms: number;
  baseline_p50_ms: number;
  baseline_p95_ms: number;
  ratio_p50: number;
  ratio_p95: number;
}

/** Latencies of a subject and its baseline, summarised as every scenario reports them (sorts both). */
export function latencies(subject: number[], baseline: number[]): Omit<Compared, 'scenario' | 'baseline'> {
  subject.sort((a, b) => a - b);
  baseline.sort((a, b) => a - b);
  const at = (xs: number[], p: number) => +percentile(xs, p).toFixed(3);
  return {
    p50_ms: at(subject, 0.5),
    p95_ms: at(subject, 0.95),
    baseline_p50_ms: at(baseline, 0.5),
    baseline_p95_ms: at(baseline, 0.95),
    ratio_p50: +(percentile(subject, 0.5) / percentile(baseline, 0.5)).toFixed(2),
    ratio_p95: +(percentile(subject, 0.95) / percentile(baseline, 0.95)).toFixed(2),
  };
}

/** Run subject and baseline once per round, alternating which goes first; the latencies (ms) after the warm-up rounds. */
export async function alternate(rounds: number, warmup: number, subject: (round: number) => Promise<unknown>, baseline: (round: number) => Promise<unknown>): Promise<[number[], number[]]> {
  const times: [number[], number[]] = [[], []];
  for (let round = 0; round < warmup + rounds; round++) {
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const which of order) {
      const started = performance.now();
      await (which === 0 ? subject : baseline)(round);
      if (round >= warmup) times[which]!.push(performance.now() - started);
    }
  }
  return times;
}
