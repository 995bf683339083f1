/**
 * What the arrival pass could find (`node dist/bench/evaluate.js arrival-curve [seeds…]`, seeds
 * 1–3 by default; never the held-out 23): the generated population (bench/population.ts) held in
 * memory as the feeds store it (no address: the feeds of bench/arrival.ts carry none), filed under
 * its blocking keys, then
 *
 * - for each way of choosing candidates on arrival (`VARIANTS`: the keys an arriving record looks
 *   up, each held by at most `cap` records), how many true cross-agency pairs have a candidate key
 *   at all and how many candidate pairs that makes;
 * - for the widest way, the model's probability of every candidate pair, true and false, as the
 *   recall and precision of "enter the queue if p ≥ t" for a ladder of t — a true pair counts as
 *   found when its records are one person (a shared biometric, verified identifier or Home Office
 *   reference, as `autoLink`) or a pair of its two persons is in the queue, as bench/arrival.ts
 *   counts it; precision is of the queue's pairs of records of two persons.
 *
 * The review bar the queue uses (`REVIEW_BAR` in src/resolution/suggestions.ts) is read off this
 * curve: the lowest t whose queue precision, pooled over the seeds, stays at or above
 * `BAR_PRECISION`.
 */
import { blockingKeys, DEFAULT_PARAMETERS, DEFAULT_THRESHOLDS, MatchModel, prepare, type PreparedRecord } from '../src/matching';
import { arrivalKeys, recordFrequencies, type ArrivalKeyOptions } from '../src/resolution';
import { population } from './population';

/** The queue's precision the review bar keeps, pooled over the development seeds. */
export const BAR_PRECISION = 0.5;
const LADDER = [0.999, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.15, 0.1, 0.05, 0.02, 0.01, 0.005, 0.001];

const VARIANTS: readonly [string, ArrivalKeyOptions][] = [
  ['today: x d ty ky (own years)', { nearYears: false, rareTokens: 0 }],
  ['+ ty ky at the years ±1', { nearYears: true, rareTokens: 0 }],
  ['+ a rare name part alone (t k e, ≤ 10 holders)', { nearYears: true, rareTokens: 10 }],
  ['+ a rare name part alone (t k e, ≤ 30 holders)', { nearYears: true, rareTokens: 30 }],
  ['+ a rare name part alone (t k e, ≤ 100 holders)', { nearYears: true, rareTokens: 100 }],
];

interface SeedCurve {
  readonly truePairs: number;
  readonly coverage: { readonly variant: string; readonly keyed: number; readonly candidates: number }[];
  /** Per t of the ladder: true pairs found, queue pairs, queue pairs true. */
  readonly ladder: { readonly t: number; readonly found: number; readonly queued: number; readonly queuedTrue: number }[];
}

function find(parent: number[], i: number): number {
  while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
  return i;
}

export function arrivalCurve(seed: number): SeedCurve {
  const pop = population(6000, seed);
  const records: PreparedRecord[] = pop.records.map((r, i) => prepare({ ...r.record, id: `r${i}`, address: null, postcode: null }));
  const holders = new Map<string, number[]>();
  records.forEach((r, i) => {
    for (const k of blockingKeys(r)) (holders.get(k) ?? holders.set(k, []).get(k)!).push(i);
  });
  // One person: records sharing a biometric, a verified PNC ID or a Home Office reference held by ≤ 5 records (`autoLink`).
  const parent = records.map((_, i) => i);
  for (const [k, ids] of holders) {
    if (!/^x:(bio:|id:(PNC_ID|HO_REF):)/.test(k) || ids.length > 5) continue;
    for (const j of ids.slice(1)) parent[find(parent, j)] = find(parent, ids[0]!);
  }
  const person = (i: number) => find(parent, i);
  const truePairs: [number, number][] = [];
  const byChild = new Map<number, number[]>();
  pop.records.forEach((r, i) => (byChild.get(r.child) ?? byChild.set(r.child, []).get(r.child)!).push(i));
  for (const ids of byChild.values()) {
    for (let x = 0; x < ids.length; x++) for (let y = x + 1; y < ids.length; y++) {
      if (pop.records[ids[x]!]!.agency !== pop.records[ids[y]!]!.agency) truePairs.push([ids[x]!, ids[y]!]);
    }
  }
  const pairKey = (a: number, b: number) => (a < b ? a * 1e6 + b : b * 1e6 + a);
  const candidatesOf = (options: ArrivalKeyOptions) => {
    const pairs = new Set<number>();
    records.forEach((r, i) => {
      for (const { key, cap } of arrivalKeys(r, options)) {
        const ids = holders.get(key);
        if (!ids || ids.length > cap) continue;
        for (const j of ids) if (j !== i) pairs.add(pairKey(i, j));
      }
    });
    return pairs;
  };
  const coverage = VARIANTS.map(([variant, options]) => {
    const pairs = candidatesOf(options);
    return { variant, keyed: truePairs.filter(([a, b]) => person(a) === person(b) || pairs.has(pairKey(a, b))).length, candidates: pairs.size };
  });
  const widest = candidatesOf(VARIANTS[VARIANTS.length - 1]![1]);
  const model = new MatchModel(DEFAULT_PARAMETERS, DEFAULT_THRESHOLDS);
  const freq = recordFrequencies(records);
  const scored: { a: number; b: number; p: number; same: boolean }[] = [];
  for (const key of widest) {
    const [a, b] = [Math.floor(key / 1e6), key % 1e6];
    if (person(a) === person(b)) continue;
    scored.push({ a, b, p: model.score(records[a]!, records[b]!, freq, 'dedupe').probability, same: pop.records[a]!.child === pop.records[b]!.child });
  }
  const ladder = LADDER.map((t) => {
    const queued = scored.filter((s) => s.p >= t);
    const open = new Set(queued.map((s) => pairKey(person(s.a), person(s.b))));
    const found = truePairs.filter(([a, b]) => person(a) === person(b) || open.has(pairKey(person(a), person(b)))).length;
    return { t, found, queued: queued.length, queuedTrue: queued.filter((s) => s.same).length };
  });
  return { truePairs: truePairs.length, coverage, ladder };
}

/** The lowest t of the ladder whose pooled queue precision is at least `BAR_PRECISION`. */
export function reviewBar(curves: readonly SeedCurve[]): number {
  let bar = LADDER[0]!;
  for (let i = 0; i < LADDER.length; i++) {
    const queued = curves.reduce((n, c) => n + c.ladder[i]!.queued, 0);
    const queuedTrue = curves.reduce((n, c) => n + c.ladder[i]!.queuedTrue, 0);
    if (queued && queuedTrue / queued >= BAR_PRECISION) bar = LADDER[i]!;
  }
  return bar;
}

export function reportArrivalCurve(seeds: readonly number[], print: (line: string) => void): void {
  const curves = seeds.map((seed) => {
    const curve = arrivalCurve(seed);
    print(`seed ${seed}: ${curve.truePairs} true cross-agency pairs`);
    for (const c of curve.coverage) print(`  ${c.variant}: one person or a candidate ${c.keyed} (${(c.keyed / curve.truePairs).toFixed(4)}), candidate pairs ${c.candidates}`);
    print(`  enter the queue if p ≥ t (widest keys):`);
    for (const l of curve.ladder) print(`    t ${String(l.t).padEnd(6)} recall ${(l.found / curve.truePairs).toFixed(4)}  queue ${l.queued}, precision ${(l.queuedTrue / Math.max(1, l.queued)).toFixed(4)}`);
    return curve;
  });
  print(`review bar (lowest t with pooled queue precision ≥ ${BAR_PRECISION}): ${reviewBar(curves)}`);
}
