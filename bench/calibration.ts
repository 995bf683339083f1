/**
 * The population row of `npm run evaluate`: deduplicate a generated population (bench/population.ts)
 * with the store's dedupe pair passes (`STORE_DEDUPE_PAIRS`, computed here in memory from the same
 * blocking keys, without the trigram pass) and the model, and say how far its grades can be
 * acted on: precision and recall at CERTAIN+PROBABLE, CERTAIN's precision, twin and sibling pairs
 * graded PROBABLE or better, and the reliability curve (predicted probability against the share
 * of pairs that are one child, in bins).
 */
import { blockingKeys, MatchModel, prepare, type CandidateSource, type ModelParameters, type PreparedRecord, type Score } from '../src/matching';
import { MAX_KEY_COUNT, recordFrequencies, STORE_DEDUPE_PAIRS, type StorePairOptions } from '../src/resolution';
import { population, type Population } from './population';

export interface ScoredPair {
  readonly a: number;
  readonly b: number;
  readonly same: boolean;
  readonly kin: 'twins' | 'siblings' | null;
  readonly score: Score;
}

export interface PopulationRun {
  readonly population: Population;
  readonly prepared: readonly PreparedRecord[];
  readonly truePairs: number;
  readonly pairs: readonly ScoredPair[];
}

/**
 * The pair passes of each candidate source, as far as they can be run in memory: dedupe as the
 * store's (`STORE_DEDUPE_PAIRS`), link as `harbour match link`'s (every kind of key but birth
 * years and postcodes, held by at most `MAX_KEY_COUNT` records). Neither runs the trigram pass.
 */
const PASSES: Partial<Record<CandidateSource, StorePairOptions>> = {
  dedupe: STORE_DEDUPE_PAIRS,
  link: { maxKeyCount: MAX_KEY_COUNT, kinds: ['t', 'k', 'e', 'd', 'ty', 'ky', 'x', 'a'] },
};

/** Candidate pairs: records sharing a key of an allowed kind held by at most `maxKeyCount` records. */
export function candidatePairs(prepared: readonly PreparedRecord[], options: StorePairOptions): [number, number][] {
  const { maxKeyCount = MAX_KEY_COUNT, kinds = [] } = options;
  const holders = new Map<string, number[]>();
  prepared.forEach((r, i) => {
    for (const key of blockingKeys(r)) {
      if (!kinds.includes(key.slice(0, key.indexOf(':')))) continue;
      const list = holders.get(key);
      if (list) list.push(i);
      else holders.set(key, [i]);
    }
  });
  const seen = new Set<number>();
  const pairs: [number, number][] = [];
  for (const list of holders.values()) {
    if (list.length < 2 || list.length > maxKeyCount) continue;
    for (let x = 0; x < list.length; x++) for (let y = x + 1; y < list.length; y++) {
      const code = list[x]! * prepared.length + list[y]!;
      if (seen.has(code)) continue;
      seen.add(code);
      pairs.push([list[x]!, list[y]!]);
    }
  }
  return pairs;
}

/** Generate, block (`source`'s pair passes) and score a population of `children` children from `seed`. */
export function runPopulation(model: MatchModel, children: number, seed: number, source: CandidateSource = 'dedupe'): PopulationRun {
  const pop = population(children, seed);
  const prepared = pop.records.map((r) => prepare(r.record));
  const freq = recordFrequencies(prepared);
  const perChild = new Map<number, number>();
  for (const r of pop.records) perChild.set(r.child, (perChild.get(r.child) ?? 0) + 1);
  let truePairs = 0;
  for (const n of perChild.values()) truePairs += (n * (n - 1)) / 2;
  const pairs = candidatePairs(prepared, PASSES[source]!).map(([a, b]): ScoredPair => {
    const x = pop.records[a]!.child;
    const y = pop.records[b]!.child;
    const kin = x === y ? null : pop.twin.get(x) === y ? 'twins' : pop.family[x] === pop.family[y] ? 'siblings' : null;
    return { a, b, same: x === y, kin, score: model.score(prepared[a]!, prepared[b]!, freq, source) };
  });
  return { population: pop, prepared, truePairs, pairs };
}

/** Probability bins of the reliability curve: the grade thresholds and the decades below them. */
const BINS = [0, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999, 1.000001];

export function reportPopulation(label: string, run: PopulationRun, say: (line: string) => void): void {
  const lead = (p: ScoredPair) => p.score.grade === 'CERTAIN' || p.score.grade === 'PROBABLE';
  const predicted = run.pairs.filter(lead);
  const tp = predicted.filter((p) => p.same).length;
  const certain = run.pairs.filter((p) => p.score.grade === 'CERTAIN');
  const certainTp = certain.filter((p) => p.same).length;
  const blocked = run.pairs.filter((p) => p.same).length;
  const kin = (k: 'twins' | 'siblings') => `${predicted.filter((p) => p.kin === k).length}/${run.pairs.filter((p) => p.kin === k).length}`;
  const precision = tp / predicted.length;
  const recall = tp / run.truePairs;
  say(`${label}: ${run.prepared.length} records, ${run.truePairs} true pairs (${blocked} among ${run.pairs.length} candidate pairs, match share ${(blocked / run.pairs.length).toFixed(5)})`);
  say(`  certain+probable: precision ${precision.toFixed(4)} recall ${recall.toFixed(4)} F1 ${((2 * precision * recall) / (precision + recall)).toFixed(4)} (tp ${tp}, fp ${predicted.length - tp}); certain: precision ${(certainTp / certain.length).toFixed(4)} (${certainTp}/${certain.length})`);
  say(`  graded probable+: twin pairs ${kin('twins')}, sibling pairs ${kin('siblings')} (of those blocked)`);
  say('  reliability: predicted bin → pairs, mean predicted, observed share the same child');
  for (let i = 0; i + 1 < BINS.length; i++) {
    const inBin = run.pairs.filter((p) => p.score.probability >= BINS[i]! && p.score.probability < BINS[i + 1]!);
    if (!inBin.length) continue;
    const mean = inBin.reduce((s, p) => s + p.score.probability, 0) / inBin.length;
    const observed = inBin.filter((p) => p.same).length / inBin.length;
    say(`    [${BINS[i]}, ${Math.min(1, BINS[i + 1]!)}${i + 2 === BINS.length ? ']' : ')'}: ${String(inBin.length).padStart(7)}  ${mean.toFixed(4)}  ${observed.toFixed(4)}`);
  }
  const falses = predicted.filter((p) => !p.same).sort((x, y) => y.score.probability - x.score.probability).slice(0, 4);
  for (const f of falses) say(`  false e.g. ${run.prepared[f.a]!.source.names.join(' | ')} ~ ${run.prepared[f.b]!.source.names.join(' | ')}${f.kin ? ` (${f.kin})` : ''}: ${f.score.probability.toFixed(5)} ${f.score.reasons.join('; ')}`);
}

/**
 * The parameters a generated population gives (`node dist/bench/evaluate.js estimate`, seed 1;
 * the evaluation row uses seed 23): P(level | one family) from the pairs of brothers, sisters and
 * twins among the dedupe candidate pairs, the family's share of all non-matching pairs, and for
 * each candidate source the prior: the log2 odds of a match among all the pairs it considers (u
 * comes from random pairs, so the keys that made a candidate pair are counted in the fields, not
 * in the prior). Printed beside it: the intercept that calibrates the scores on the labels, and
 * the odds among candidate pairs, labelled and by EM (what `match train` sees in a store).
 */
export function estimate(start: ModelParameters, children: number, seed: number, say: (line: string) => void): void {
  const zero = { ...start, priors: { ...start.priors, dedupe: 0, link: 0 } };
  const first = runPopulation(new MatchModel(zero, { certain: 1, probable: 1, possible: 1 }), children, seed, 'dedupe');
  const kin = first.pairs.filter((p) => p.kin);
  const counts = new Map<string, Map<string, number>>();
  const count = (field: string, level: string) => {
    const c = counts.get(field) ?? new Map<string, number>();
    c.set(level, (c.get(level) ?? 0) + 1);
    counts.set(field, c);
  };
  let allAgree = 0, multiPart = 0;
  for (const p of kin) {
    for (const c of p.score.contributions) if (c.field !== 'prior' && c.field !== 'name' && c.field !== 'family') count(c.field, c.level);
    for (const l of p.score.nameLevels) count('name', l);
    if (p.score.nameLevels.length > 1) {
      multiPart++;
      if (!p.score.nameLevels.includes('DIFFERENT')) allAgree++;
    }
  }
  const all = (n: number) => (n * (n - 1)) / 2;
  const nonMatches = all(first.prepared.length) - first.truePairs;
  const families = new Map<number, number>();
  for (const r of first.population.records) families.set(first.population.family[r.child]!, (families.get(first.population.family[r.child]!) ?? 0) + 1);
  const familyPairs = [...families.values()].reduce((s, n) => s + all(n), 0) - first.truePairs;
  say(`family: share ${(familyPairs / nonMatches).toExponential(3)} (${familyPairs} of ${nonMatches} non-matching pairs; ${kin.length} among the candidates), allPartsAgree ${(allAgree / multiPart).toFixed(4)} (${allAgree}/${multiPart})`);
  for (const [field, c] of counts) {
    const total = [...c.values()].reduce((s, n) => s + n, 0);
    say(`  ${field}: ${[...c].sort((x, y) => y[1] - x[1]).map(([l, n]) => `${l} ${(n / total).toFixed(4)}`).join(', ')}`);
  }
  for (const source of Object.keys(PASSES) as CandidateSource[]) {
    // The link pass on ~5,000 records (one of the bench's files): on 12,000 it makes millions of pairs.
    const run = source === 'dedupe' ? first : runPopulation(new MatchModel(zero, { certain: 1, probable: 1, possible: 1 }), Math.min(children, 2500), seed, source);
    const ratios = run.pairs.map((p) => 2 ** p.score.weight);
    let share = 0.01;
    for (let i = 0; i < 200; i++) share = ratios.reduce((s, r) => s + (share * r) / (share * r + 1 - share), 0) / ratios.length;
    const labelled = run.pairs.filter((p) => p.same).length / run.pairs.length;
    // The prior that makes the scores calibrated on the labels: the intercept of a logistic fit
    // with the model's weight as the only feature, its coefficient held at 1 (Newton's method).
    let prior = 0;
    for (let i = 0; i < 50; i++) {
      let gradient = 0, curvature = 0;
      for (const p of run.pairs) {
        const q = 1 / (1 + 2 ** -(p.score.weight + prior));
        gradient += (p.same ? 1 : 0) - q;
        curvature += q * (1 - q) * Math.LN2;
      }
      prior += gradient / Math.max(curvature, 1e-9);
    }
    const odds = Math.log2(run.truePairs / (all(run.prepared.length) - run.truePairs));
    say(`prior ${source} (${run.prepared.length} records): among all pairs ${odds.toFixed(2)} bits; calibrating intercept ${prior.toFixed(2)} bits; among candidate pairs ${Math.log2(labelled / (1 - labelled)).toFixed(2)} bits (${run.pairs.length} pairs), by EM ${Math.log2(share / (1 - share)).toFixed(2)}`);
  }
}
