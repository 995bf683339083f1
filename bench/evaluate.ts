/**
 * Quality on the development sets (`npm run evaluate`): FEBRL deduplication, Latin
 * transliteration variants (Wikidata Cyrillic/Hebrew groups), Arabic script against Latin, and a
 * generated population of ~6,000 children deduplicated (bench/calibration.ts, held out: seed 23).
 * Pairs graded CERTAIN or PROBABLE count as predicted matches. `arrival [seed]` (not in `all`)
 * loads the population through the feeds and measures the suggestion queue (bench/arrival.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { seeded } from './stats';
import { estimate, reportPopulation, runPopulation } from './calibration';
import { arrival, reportArrival } from './arrival';
import { reportArrivalCurve } from './arrival-curve';
import { arabicPairs, HEBREW, HEBREW_WORDS, RUSSIAN, variantGroups, type Part } from './name-sets';
import { DEFAULT_PARAMETERS, DEFAULT_THRESHOLDS, MatchModel, prepare, type PreparedRecord } from '../src/matching';
import { personRecord } from '../src/resolution/person-csv';

const DATA = path.resolve(__dirname, '..', '..', 'data');
const model = new MatchModel(DEFAULT_PARAMETERS, DEFAULT_THRESHOLDS);
const predicted = (a: PreparedRecord, b: PreparedRecord) => {
  const g = model.score(a, b).grade;
  return g === 'CERTAIN' || g === 'PROBABLE';
};


function nameOnly(id: string, name: string): PreparedRecord {
  return prepare({ id, names: [name] });
}

function evaluateVariants(label: string, file: string, rand: () => number, skipSources: readonly string[] = [], part: Part = 'all') {
  const groups = variantGroups(file, part, skipSources);
  let tp = 0, positives = 0;
  const misses: string[] = [];
  for (const g of groups) {
    for (let i = 0; i < g.length; i++) for (let j = i + 1; j < g.length; j++) {
      positives++;
      if (predicted(nameOnly('a', g[i]!), nameOnly('b', g[j]!))) tp++;
      else if (misses.length < 15) misses.push(`${g[i]}/${g[j]}`);
    }
  }
  const all = groups.flatMap((g, gi) => g.map((n) => [n, gi] as const));
  let fp = 0, negatives = 0;
  const falses: string[] = [];
  while (negatives < 100000) {
    const x = all[Math.floor(rand() * all.length)]!;
    const y = all[Math.floor(rand() * all.length)]!;
    if (x[1] === y[1] || x[0] === y[0]) continue;
    negatives++;
    if (predicted(nameOnly('a', x[0]), nameOnly('b', y[0]))) {
      fp++;
      if (falses.length < 15) falses.push(`${x[0]}/${y[0]}`);
    }
  }
  console.log(`${label}: ${groups.length} groups, recall ${(tp / positives).toFixed(4)} (${tp}/${positives}), false positives ${(fp / negatives * 100).toFixed(3)}% (${fp}/${negatives})`);
  console.log(`  missed e.g. ${misses.join(' ')}\n  false e.g. ${falses.join(' ')}`);
  return { recall: tp / positives, fpRate: fp / negatives };
}

function evaluateArabic(rand: () => number, part: Part = 'all') {
  const pairs = arabicPairs(part);
  let tp = 0, fp = 0;
  const misses: string[] = [];
  const falses: string[] = [];
  for (const [ar, en] of pairs) {
    if (predicted(nameOnly('a', ar), nameOnly('b', en))) tp++;
    else if (misses.length < 15) misses.push(`${ar}/${en}`);
    const other = pairs[Math.floor(rand() * pairs.length)]!;
    if (other[1] !== en && predicted(nameOnly('a', ar), nameOnly('b', other[1]))) {
      fp++;
      if (falses.length < 15) falses.push(`${ar}/${other[1]}`);
    }
  }
  console.log(`arabic→latin${part === 'all' ? '' : ` (${part})`}: recall ${(tp / pairs.length).toFixed(4)} (${tp}/${pairs.length}), false positives ${(fp / pairs.length * 100).toFixed(3)}%`);
  console.log(`  missed e.g. ${misses.join(' ')}\n  false e.g. ${falses.join(' ')}`);
}

/** A FEBRL row as a person record (address = number, street, locality, suburb, state). */
export function febrlRecord(row: Record<string, string>): Record<string, string> {
  const t = (k: string) => (row[k] ?? '').trim();
  const dob = t('date_of_birth');
  const iso = /^\d{8}$/.test(dob) ? `${dob.slice(0, 4)}-${dob.slice(4, 6)}-${dob.slice(6, 8)}` : '';
  const valid = iso && !Number.isNaN(Date.parse(iso)) && new Date(iso).toISOString().startsWith(iso) ? iso : '';
  return {
    record_id: t('rec_id'), full_name: '', given_name: t('given_name'), family_name: t('surname'), dob: valid, sex: '', nationality: '', phone: '', fingerprint_ref: '',
    identifiers: t('soc_sec_id') ? `ssn:${t('soc_sec_id')}` : '', address: [t('street_number'), t('address_1'), t('address_2'), t('suburb'), t('state')].filter(Boolean).join(' '), postcode: t('postcode'),
  };
}

function evaluateFebrl(file: string) {
  const rows = parse(fs.readFileSync(file, 'utf8'), { columns: true, trim: true, skip_empty_lines: true }) as Record<string, string>[];
  const recs = rows.map((r) => prepare(personRecord(febrlRecord(r))));
  const entity = (id: string) => id.split('-')[1];
  let tp = 0, fp = 0, truePairs = 0;
  const byEntity = new Map<string, number>();
  for (const r of recs) byEntity.set(entity(r.source.id)!, (byEntity.get(entity(r.source.id)!) ?? 0) + 1);
  for (const n of byEntity.values()) truePairs += (n * (n - 1)) / 2;
  const fps: string[] = [];
  const fns: string[] = [];
  for (let i = 0; i < recs.length; i++) for (let j = i + 1; j < recs.length; j++) {
    const same = entity(recs[i]!.source.id) === entity(recs[j]!.source.id);
    const p = predicted(recs[i]!, recs[j]!);
    if (p && same) tp++;
    else if (p) { fp++; if (fps.length < 5) fps.push(`${recs[i]!.source.id}~${recs[j]!.source.id}`); }
    else if (same && fns.length < 8) fns.push(`${recs[i]!.source.id}~${recs[j]!.source.id}`);
  }
  const precision = tp / (tp + fp), recall = tp / truePairs;
  console.log(`${path.basename(file)}: precision ${precision.toFixed(4)} recall ${recall.toFixed(4)} F1 ${(2 * precision * recall / (precision + recall)).toFixed(4)} (tp ${tp}, fp ${fp}, true pairs ${truePairs})`);
  console.log(`  fp e.g. ${fps.join(' ')}\n  fn e.g. ${fns.join(' ')}`);
}

if (require.main === module && !process.argv[2]?.startsWith('febrl-')) {
  const rand = seeded(7);
  const which = process.argv[2] ?? 'all';
  if (which === 'all' || which === 'names') {
    evaluateVariants('russian variants', RUSSIAN, rand);
    evaluateVariants('hebrew variants', HEBREW, rand);
    evaluateArabic(rand);
    // The same Hebrew set without the groups of words that are not names (its own random stream,
    // so that the figures above stay comparable with earlier runs).
    evaluateVariants('hebrew variants, name groups only', HEBREW, seeded(7), HEBREW_WORDS);
  }
  if (which === 'all' || which === 'names' || which === 'held-out') {
    // The fifth of each set the learned name tables were not fitted to (bench/name-sets.ts).
    const held = seeded(11);
    evaluateVariants('russian variants (held out)', RUSSIAN, held, [], 'held-out');
    evaluateVariants('hebrew variants, name groups only (held out)', HEBREW, held, HEBREW_WORDS, 'held-out');
    evaluateArabic(held, 'held-out');
  }
  if (which === 'estimate') estimate(DEFAULT_PARAMETERS, 6000, 1, console.log);
  if (which === 'all' || which === 'population') reportPopulation('population (6,000 children, seed 23)', runPopulation(model, 6000, 23), console.log);
  // Not in `all`: it loads the population into a database of its own (a minute or two).
  if (which === 'arrival-curve') {
    const seeds = process.argv.slice(3).map(Number);
    reportArrivalCurve(seeds.length ? seeds : [1, 2, 3], console.log);
  }
  if (which === 'arrival') {
    arrival(Number(process.argv[3] ?? 23), (m) => console.error(`[evaluate] ${m}`)).then((r) => reportArrival(r, console.log), (error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  }
  if (which === 'all' || which === 'febrl') for (const f of (process.argv[3] ?? 'dataset1.csv,dataset2.csv,dataset3.csv').split(',')) evaluateFebrl(path.join(DATA, 'febrl', f));
}

/** Write a FEBRL set as a person-record CSV (`febrl-csv IN OUT`), or score a link output against its truth (`febrl-score IN PAIRS`). */
if (require.main === module && (process.argv[2] === 'febrl-csv' || process.argv[2] === 'febrl-score')) {
  const rows = parse(fs.readFileSync(path.join(DATA, 'febrl', process.argv[3]!), 'utf8'), { columns: true, trim: true, skip_empty_lines: true }) as Record<string, string>[];
  if (process.argv[2] === 'febrl-csv') {
    const cols = ['record_id', 'full_name', 'given_name', 'family_name', 'dob', 'sex', 'nationality', 'phone', 'fingerprint_ref', 'identifiers', 'address', 'postcode'];
    const out = [cols.join(','), ...rows.map((r) => { const p = febrlRecord(r); return cols.map((c) => JSON.stringify(p[c] ?? '')).join(','); })];
    fs.writeFileSync(process.argv[4]!, out.join('\n') + '\n');
  } else {
    const entity = (id: string) => id.split('-')[1];
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(entity(r.rec_id!)!, (counts.get(entity(r.rec_id!)!) ?? 0) + 1);
    let truePairs = 0;
    for (const n of counts.values()) truePairs += (n * (n - 1)) / 2;
    const out = parse(fs.readFileSync(process.argv[4]!, 'utf8'), { columns: true }) as Record<string, string>[];
    const predicted = out.filter((p) => p.grade === 'certain' || p.grade === 'probable');
    const tp = predicted.filter((p) => entity(p.left_id!) === entity(p.right_id!)).length;
    const precision = tp / predicted.length, recall = tp / truePairs;
    console.log(`${process.argv[3]} via match link: precision ${precision.toFixed(4)} recall ${recall.toFixed(4)} F1 ${(2 * precision * recall / (precision + recall)).toFixed(4)} (tp ${tp}, predicted ${predicted.length}, true ${truePairs}, possible+ rows ${out.length})`);
  }
}
