/**
 * The population row of `npm run evaluate`: deduplicate a generated population (bench/population.ts)
 * with the store's dedupe pair passes (`STORE_DEDUPE_PAIRS`, computed here in memory from the same
 * blocking keys, without the trigram pass) and the model, and say how far its grades can be
 * acted on: precision and recall at CERTAIN+PROBABLE, CERTAIN's precision, twin and sibling pairs
 * graded PROBABLE or better, and the reliability curve (predicted probability against the share
 * of pairs that are one child, in bins).
 */
import { blockingKeys, prepare, type MatchModel, type PreparedRecord, type Score } from '../src/matching';
import { recordFrequencies, STORE_DEDUPE_PAIRS } from '../src/matching/candidates';
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

/** Candidate pairs as the store's dedupe makes them: records sharing a key of an allowed kind held by at most `maxKeyCount` records. */
export function dedupePairs(prepared: readonly PreparedRecord[]): [number, number][] {
  const { maxKeyCount = 100, kinds = [] } = STORE_DEDUPE_PAIRS;
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

/** Generate, block and score a population of `children` children from `seed`. */
export function runPopulation(model: MatchModel, children: number, seed: number): PopulationRun {
  const pop = population(children, seed);
  const prepared = pop.records.map((r) => prepare(r.record));
  const freq = recordFrequencies(prepared);
  const perChild = new Map<number, number>();
  for (const r of pop.records) perChild.set(r.child, (perChild.get(r.child) ?? 0) + 1);
  let truePairs = 0;
  for (const n of perChild.values()) truePairs += (n * (n - 1)) / 2;
  const pairs = dedupePairs(prepared).map(([a, b]): ScoredPair => {
    const x = pop.records[a]!.child;
    const y = pop.records[b]!.child;
    const kin = x === y ? null : pop.twin.get(x) === y ? 'twins' : pop.family[x] === pop.family[y] ? 'siblings' : null;
    return { a, b, same: x === y, kin, score: model.score(prepared[a]!, prepared[b]!, freq) };
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
