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
 * curve: the highest t at which the queue finds `RECALL_TARGET` of the true pairs of the seeds
 * together, reported with the queue's precision there.
 */
import { blockingKeys, DEFAULT_PARAMETERS, DEFAULT_THRESHOLDS, MatchModel, prepare, type PreparedRecord } from '../src/matching';
import { arrivalKeys, recordFrequencies, type ArrivalKeyOptions } from '../src/resolution';
import { population } from './population';

/** The share of true cross-agency pairs the queue is to find (issue 24's target). */
export const RECALL_TARGET = 0.95;
const LADDER = [0.999, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.15, 0.1, 0.05, 0.02, 0.01, 0.005, 0.001];

const VARIANTS: readonly [string, ArrivalKeyOptions][] = [
  ['today: x d ty ky (own years)', { nearYears: false, rareTokens: 0 }],
  ['+ ty ky at the years ±1', { nearYears: true, rareTokens: 0 }],
  ['+ a rare name part alone (t k e, ≤ 10 holders)', { nearYears: true, rareTokens: 10 }],
  ['+ a rare name part alone (t k e, ≤ 30 holders)', { nearYears: true, rareTokens: 30 }],
  ['+ a rare name part alone (t k e, ≤ 100 holders)', { nearYears: true, rareTokens: 100 }],
];

interface SeedCurve {
  readonly seed: number;
  readonly truePairs: number;
  readonly coverage: { readonly variant: string; readonly keyed: number; readonly candidates: number }[];
  /** Per variant: for each true pair, the highest probability of a candidate pair between its two persons (1 when one person, 0 when none). */
  readonly best: number[][];
  /** Per variant: the probability of each candidate pair of two persons, and whether it is of one child. */
  readonly scored: { readonly p: number; readonly same: boolean }[][];
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
  const model = new MatchModel(DEFAULT_PARAMETERS, DEFAULT_THRESHOLDS);
  const freq = recordFrequencies(records);
  const probability = new Map<number, number>();
  const coverage: SeedCurve['coverage'] = [];
  const best: number[][] = [];
  const scored: SeedCurve['scored'] = [];
  for (const [variant, options] of VARIANTS) {
    const pairs = candidatesOf(options);
    coverage.push({ variant, keyed: truePairs.filter(([a, b]) => person(a) === person(b) || pairs.has(pairKey(a, b))).length, candidates: pairs.size });
    const between = new Map<number, number>(); // pair of persons → highest probability
    const mine: { p: number; same: boolean }[] = [];
    for (const key of pairs) {
      const [a, b] = [Math.floor(key / 1e6), key % 1e6];
      if (person(a) === person(b)) continue;
      let p = probability.get(key);
      if (p === undefined) probability.set(key, (p = model.score(records[a]!, records[b]!, freq, 'dedupe').probability));
      mine.push({ p, same: pop.records[a]!.child === pop.records[b]!.child });
      const persons = pairKey(person(a), person(b));
      between.set(persons, Math.max(p, between.get(persons) ?? 0));
    }
    best.push(truePairs.map(([a, b]) => (person(a) === person(b) ? 1 : between.get(pairKey(person(a), person(b))) ?? 0)));
    scored.push(mine);
  }
  return { seed, truePairs: truePairs.length, coverage, best, scored };
}

const recallAt = (best: readonly number[], t: number) => best.filter((p) => p >= t).length / Math.max(1, best.length);
const precisionAt = (scored: readonly { p: number; same: boolean }[], t: number) => {
  const queued = scored.filter((s) => s.p >= t);
  return { queued: queued.length, precision: queued.filter((s) => s.same).length / Math.max(1, queued.length) };
};

/** The highest bar at which the queue finds `RECALL_TARGET` of the true pairs of all the curves together (variant `v`). */
export function reviewBar(curves: readonly SeedCurve[], v: number): number {
  const best = curves.flatMap((c) => c.best[v]!).sort((a, b) => b - a);
  return best[Math.ceil(RECALL_TARGET * best.length) - 1] ?? 0;
}

export function reportArrivalCurve(seeds: readonly number[], print: (line: string) => void): void {
  const curves = seeds.map((seed) => {
    const curve = arrivalCurve(seed);
    print(`seed ${seed}: ${curve.truePairs} true cross-agency pairs`);
    for (const c of curve.coverage) print(`  ${c.variant}: one person or a candidate ${c.keyed} (${(c.keyed / curve.truePairs).toFixed(4)}), candidate pairs ${c.candidates}`);
    return curve;
  });
  VARIANTS.forEach(([variant], v) => {
    print(`enter the queue if p ≥ t, keys "${variant}": recall and queue precision per seed`);
    for (const t of LADDER) {
      print(`  t ${String(t).padEnd(6)} ${curves.map((c) => {
        const { queued, precision } = precisionAt(c.scored[v]!, t);
        return `seed ${c.seed}: recall ${recallAt(c.best[v]!, t).toFixed(4)} precision ${precision.toFixed(4)} (${queued})`;
      }).join('  ')}`);
    }
    const bar = reviewBar(curves, v);
    print(`  review bar (highest t with pooled recall ≥ ${RECALL_TARGET}): ${bar.toPrecision(3)}; ${curves.map((c) => `seed ${c.seed}: recall ${recallAt(c.best[v]!, bar).toFixed(4)} precision ${precisionAt(c.scored[v]!, bar).precision.toFixed(4)}`).join(', ')}`);
  });
}
