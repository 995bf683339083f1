/**
 * `npm run train:names`: builds the name model's two data files from the development name sets
 * (`data/names`, training four fifths only: `bench/name-sets.ts` says which):
 *
 * - `data/models/name-edit-costs.json`: the edit costs of the learned name distance
 *   (`src/matching/edit-costs.ts`), a stochastic edit model trained by EM (Ristad and Yianilos,
 *   1998) on aligned spellings of one name, and the classes of the coarse sound key derived from it;
 * - `data/models/name-equivalences.json`: groups of spellings one source-script spelling was
 *   written as, each spelling with its count (`src/matching/equivalences.ts`).
 *
 * Deterministic: the same data give the same files. Run it after changing the data, the split
 * or the constants below, and bump nothing by hand: the version is the date and a digest of the
 * tables.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { foldText, nameTokens } from '../src/matching/normalise';
import { EditCosts, editDistance, perLetter } from '../src/matching/edit-costs';
import { seeded } from '../bench/stats';
import { arabicPairs, HEBREW, HEBREW_WORDS, RUSSIAN, wikidataGroups, type SpellingGroup } from '../bench/name-sets';

const MODELS = path.resolve(__dirname, '..', '..', 'data', 'models');
const LETTERS = 'abcdefghijklmnopqrstuvwxyz'.split('');

/** A letter pair is a unit of the model when it occurs at least this often in the training spellings (fewer: too rare to learn an edit of its own). */
const MIN_PAIR_OCCURRENCES = 60;
/** EM iterations; the log-likelihood per pair changes by under 0.01 bits after about 15. */
const ITERATIONS = 20;
/** Dirichlet pseudo-count on every letter-for-letter edit, insertion and deletion: what an edit never seen costs. */
const PSEUDO_COUNT = 0.05;
/** An edit kept in the table was made at least this many times (expected count) in the last iteration; rarer ones cost as unseen. */
const MIN_EDIT_COUNT = 2;
/**
 * The name levels' lines, in bits per letter of both spellings (`perLetter`): the distance that
 * this share of random pairs of different names (training part) is under. VARIANT and SCRIPT
 * (Arabic script against Latin) let through as few strangers as the rewrite rules they replaced
 * did on these sets (~0.06–0.09 %); SIMILAR and ALIKE are the weaker bands below, which the model
 * weighs as the training population shows (`src/matching/parameters.ts`).
 */
const LEVEL_FPR = { VARIANT: 0.0006, SIMILAR: 0.005, ALIKE: 0.02, SCRIPT: 0.0005 } as const;
/** Random pairs of different names drawn to set the lines. */
const RANDOM_PAIRS = 200_000;

/** The coarse sound key joins letters an edit cheaper than this many bits turns into each other. */
const KEY_LINE = 3.5;
/**
 * The letters Arabic script does not write as consonants: the short vowels (left out) and, found
 * from the script table, the letters it writes long vowels with (those whose cheapest Latin
 * rendering is one of these). The key leaves them all out, so a name written in the script and
 * its Latin spelling share a key.
 */
const VOWELS = 'aeiou';

type Pair = readonly [string, string];

interface Trained {
  readonly units: string[];
  readonly edits: [string, string, number][];
  readonly unseen: { substitute: number; insert: number; delete: number };
  readonly pairs: number;
  readonly bitsPerPair: number;
}

/** Letter pairs occurring often enough in the spellings to be units. */
function pairUnits(spellings: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const s of spellings) for (let i = 0; i + 1 < s.length; i++) counts.set(s.slice(i, i + 2), (counts.get(s.slice(i, i + 2)) ?? 0) + 1);
  return [...counts].filter(([, n]) => n >= MIN_PAIR_OCCURRENCES).map(([p]) => p).sort();
}

/**
 * EM for a memoryless stochastic transducer over units (letters and letter pairs; no pair to
 * pair). δ is the joint probability of each edit; forward and backward sums over all alignments
 * of a pair give each edit's expected count.
 */
function trainTable(pairs: readonly Pair[], symmetric: boolean, say: (line: string) => void): Trained {
  const units = [...LETTERS, ...pairUnits(pairs.flatMap(([a, b]) => [a, b]))];
  const U = units.length + 1;
  const E = units.length;
  const id = new Map(units.map((u, i) => [u, i]));
  const allowed = new Uint8Array(U * U);
  for (let x = 0; x < U; x++) for (let y = 0; y < U; y++) allowed[x * U + y] = x === E && y === E ? 0 : (units[x] ?? '').length + (units[y] ?? '').length <= 3 ? 1 : 0;
  const single = (x: number) => x === E || (units[x] ?? '').length === 1;
  let delta = new Float64Array(U * U);
  for (let k = 0; k < U * U; k++) delta[k] = allowed[k] ? 1 : 0;
  for (let c = 0; c < LETTERS.length; c++) delta[c * U + c] = 200;
  normalise(delta);
  const coded = pairs.map(([a, b]) => [code(a), code(b)] as const);
  function code(s: string) {
    const one = Int16Array.from(s, (c) => id.get(c)!);
    const two = Int16Array.from(s, (_, i) => (i + 1 < s.length ? id.get(s.slice(i, i + 2)) ?? -1 : -1));
    return { one, two, n: s.length };
  }
  let counts = new Float64Array(U * U);
  let bits = 0;
  for (let it = 0; it < ITERATIONS; it++) {
    counts = new Float64Array(U * U);
    bits = 0;
    for (const [a, b] of coded) bits += expect(a, b, delta, counts, U, E);
    const next = new Float64Array(U * U);
    for (let k = 0; k < U * U; k++) {
      if (!allowed[k]) continue;
      const x = Math.floor(k / U);
      const y = k % U;
      next[k] = counts[k]! + (single(x) && single(y) ? PSEUDO_COUNT : 0);
    }
    normalise(next);
    delta = next;
    if (it % 5 === 4 || it === ITERATIONS - 1) say(`  EM ${it + 1}: ${(bits / pairs.length).toFixed(3)} bits per pair`);
  }
  // Each letter's reference: the likeliest edit that takes it (as `from`) or makes it (as `to`).
  const refFrom = new Float64Array(U);
  const refTo = new Float64Array(U);
  for (let x = 0; x < E; x++) for (let y = 0; y < U; y++) if (single(x) && single(y)) refFrom[x] = Math.max(refFrom[x]!, delta[x * U + y]!);
  for (let y = 0; y < E; y++) for (let x = 0; x < U; x++) if (single(x) && single(y)) refTo[y] = Math.max(refTo[y]!, delta[x * U + y]!);
  const letterBits = (unit: string, ref: Float64Array) => [...unit].reduce((s, c) => s + Math.log2(ref[id.get(c)!]!), 0);
  const cost = (x: number, y: number, p: number) => Math.max(0, -Math.log2(p) + 0.5 * letterBits(units[x] ?? '', refFrom) + 0.5 * letterBits(units[y] ?? '', refTo));
  const edits: [string, string, number][] = [];
  for (let x = 0; x < U; x++) {
    for (let y = 0; y < U; y++) {
      const k = x * U + y;
      // Copying a letter is free in a symmetric table (a spelling is at distance 0 from itself);
      // across scripts it is an edit like any other (Arabic y is more often i than y).
      if (!allowed[k] || counts[k]! < MIN_EDIT_COUNT || (symmetric && x === y && single(x))) continue;
      edits.push([units[x] ?? '', units[y] ?? '', round(cost(x, y, delta[k]!))]);
    }
  }
  // An unseen edit has only its pseudo-count: its cost is the median over letters of what that gives.
  const total = counts.reduce((s, n) => s + n, 0) + PSEUDO_COUNT * (LETTERS.length + 1) ** 2;
  const p0 = PSEUDO_COUNT / total;
  const median = (xs: number[]) => xs.sort((p, q) => p - q)[Math.floor(xs.length / 2)]!;
  const unseen = {
    substitute: round(median(LETTERS.map((c) => cost(id.get(c)!, id.get(c === 'z' ? 'a' : 'z')!, p0)))),
    insert: round(median(LETTERS.map((c) => cost(E, id.get(c)!, p0)))),
    delete: round(median(LETTERS.map((c) => cost(id.get(c)!, E, p0)))),
  };
  const used = new Set(edits.flatMap(([x, y]) => [x, y]));
  return { units: units.filter((u) => u.length === 1 || used.has(u)), edits, unseen, pairs: pairs.length, bitsPerPair: round(bits / pairs.length) };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function normalise(v: Float64Array) {
  const s = v.reduce((t, x) => t + x, 0);
  for (let k = 0; k < v.length; k++) v[k] = v[k]! / s;
}

interface Coded {
  readonly one: Int16Array;
  readonly two: Int16Array;
  readonly n: number;
}

/** Adds one pair's expected edit counts to `counts`; returns −log2 P(pair). */
function expect(a: Coded, b: Coded, delta: Float64Array, counts: Float64Array, U: number, E: number): number {
  const n = a.n;
  const m = b.n;
  const w = m + 1;
  const alpha = new Float64Array((n + 1) * w);
  const beta = new Float64Array((n + 1) * w);
  // The edits from cell (i, j): [di, dj, x, y] for each allowed move.
  const moves = (i: number, j: number, visit: (di: number, dj: number, x: number, y: number) => void) => {
    const x1 = i < n ? a.one[i]! : -1;
    const x2 = i + 1 < n ? a.two[i]! : -1;
    const y1 = j < m ? b.one[j]! : -1;
    const y2 = j + 1 < m ? b.two[j]! : -1;
    if (x1 >= 0) {
      visit(1, 0, x1, E);
      if (y1 >= 0) visit(1, 1, x1, y1);
      if (y2 >= 0) visit(1, 2, x1, y2);
    }
    if (y1 >= 0) visit(0, 1, E, y1);
    if (x2 >= 0) {
      visit(2, 0, x2, E);
      if (y1 >= 0) visit(2, 1, x2, y1);
    }
    if (y2 >= 0) visit(0, 2, E, y2);
  };
  alpha[0] = 1;
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= m; j++) {
      const from = alpha[i * w + j]!;
      if (!from) continue;
      moves(i, j, (di, dj, x, y) => {
        alpha[(i + di) * w + j + dj] = alpha[(i + di) * w + j + dj]! + from * delta[x * U + y]!;
      });
    }
  }
  beta[n * w + m] = 1;
  for (let i = n; i >= 0; i--) {
    for (let j = m; j >= 0; j--) {
      if (i === n && j === m) continue;
      let sum = 0;
      moves(i, j, (di, dj, x, y) => {
        sum += delta[x * U + y]! * beta[(i + di) * w + j + dj]!;
      });
      beta[i * w + j] = sum;
    }
  }
  const total = alpha[n * w + m]!;
  if (!(total > 0)) return 0;
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= m; j++) {
      const from = alpha[i * w + j]!;
      if (!from) continue;
      moves(i, j, (di, dj, x, y) => {
        counts[x * U + y] = counts[x * U + y]! + (from * delta[x * U + y]! * beta[(i + di) * w + j + dj]!) / total;
      });
    }
  }
  return -Math.log2(total);
}

/** Latin pairs: every two Latin spellings of one source spelling, both ways round (the table is symmetric). */
function latinPairs(groups: readonly SpellingGroup[]): Pair[] {
  const pairs: Pair[] = [];
  for (const g of groups) {
    const forms = [...g.latin.keys()];
    for (let i = 0; i < forms.length; i++) for (let j = i + 1; j < forms.length; j++) pairs.push([forms[i]!, forms[j]!], [forms[j]!, forms[i]!]);
  }
  return pairs;
}

/**
 * Latin spellings against the Cyrillic spelling they were written for, romanised by any-ascii (as
 * the runtime folds Cyrillic): each pair is one transliteration against another, both ways round.
 * Hebrew is left out: its script writes no short vowels, so its romanisation is no Latin spelling.
 */
function romanisedPairs(groups: readonly SpellingGroup[]): Pair[] {
  const pairs: Pair[] = [];
  for (const g of groups) {
    const romanised = foldText(g.source.replace(/ /g, ''));
    if (!/^[a-z]+$/.test(romanised)) continue;
    for (const latin of g.latin.keys()) if (latin !== romanised) pairs.push([romanised, latin], [latin, romanised]);
  }
  return pairs;
}

/** Arabic-script names (folded as the runtime folds them) and their Latin spellings, name part by name part where both have as many parts. */
function scriptPairs(): Pair[] {
  const pairs: Pair[] = [];
  for (const [arabic, latin] of arabicPairs('train')) {
    const x = nameTokens(arabic).map((t) => t.text);
    const y = nameTokens(latin).map((t) => t.text);
    if (x.length !== y.length) continue;
    x.forEach((t, i) => {
      if (/^[a-z]+$/.test(t) && /^[a-z]+$/.test(y[i]!)) pairs.push([t, y[i]!]);
    });
  }
  return pairs;
}

/**
 * The key: letters Arabic script writes no consonant for are dropped (`VOWELS`, and the script
 * letters whose cheapest Latin rendering is a vowel); the others are joined (union–find) by a
 * Latin letter-for-letter edit cheaper than the line both ways.
 */
function keyClasses(latin: Trained, script: Trained): { line: number; classes: Record<string, string>; dropped: string } {
  const cheapest = new Map<string, [string, number]>();
  for (const [x, y, c] of script.edits) if (x.length === 1 && y.length === 1 && (cheapest.get(x)?.[1] ?? Infinity) > c) cheapest.set(x, [y, c]);
  const dropped = LETTERS.filter((c) => VOWELS.includes(c) || VOWELS.includes(cheapest.get(c)?.[0] ?? '-'));
  const parent = new Map(LETTERS.map((c) => [c, c]));
  const find = (c: string): string => (parent.get(c) === c ? c : find(parent.get(c)!));
  const cost = new Map(latin.edits.map(([x, y, c]) => [`${x}>${y}`, c]));
  for (const [x, y, c] of latin.edits) {
    if (x.length !== 1 || y.length !== 1 || c >= KEY_LINE || (cost.get(`${y}>${x}`) ?? Infinity) >= KEY_LINE || dropped.includes(x) || dropped.includes(y)) continue;
    const [px, py] = [find(x), find(y)];
    if (px !== py) parent.set(px < py ? py : px, px < py ? px : py);
  }
  const classes: Record<string, string> = {};
  for (const c of LETTERS) if (find(c) !== c) classes[c] = find(c);
  return { line: KEY_LINE, classes, dropped: dropped.join('') };
}

/**
 * Equivalences: each source spelling's Latin spellings (and, for Arabic script, the spelling
 * itself folded, marked `#`), with counts. Groups of one spelling say nothing and are left out.
 */
function equivalences(): { groups: { source: string; forms: Record<string, number> }[] } {
  const groups: { source: string; forms: Record<string, number> }[] = [];
  for (const [file, label] of [[RUSSIAN, 'ru'], [HEBREW, 'he']] as const) {
    for (const g of wikidataGroups(file, 'train', file === HEBREW ? HEBREW_WORDS : [])) {
      if (g.latin.size < 2) continue;
      groups.push({ source: `${label}:${g.source.replace(/ /g, '')}`, forms: Object.fromEntries([...g.latin].sort()) });
    }
  }
  const arabic = new Map<string, Map<string, number>>();
  for (const [ar, latin] of arabicPairs('train')) {
    const x = nameTokens(ar).map((t) => t.text);
    const y = nameTokens(latin).map((t) => t.text);
    if (x.length !== 1 || y.length !== 1 || !/^[a-z]+$/.test(x[0]!) || !/^[a-z]+$/.test(y[0]!)) continue;
    const forms = arabic.get(ar) ?? new Map<string, number>([[`#${x[0]}`, 0]]);
    forms.set(y[0]!, (forms.get(y[0]!) ?? 0) + 1);
    forms.set(`#${x[0]}`, forms.get(`#${x[0]}`)! + 1);
    arabic.set(ar, forms);
  }
  for (const [ar, forms] of arabic) groups.push({ source: `ar:${ar}`, forms: Object.fromEntries([...forms].sort()) });
  return { groups };
}

/** The distance (bits per letter) under which `share` of the random pairs fall. */
function line(distances: number[], share: number): number {
  distances.sort((p, q) => p - q);
  return round(distances[Math.floor(share * distances.length)]!);
}

function levelLines(lp: readonly Pair[], sp: readonly Pair[], latin: EditCosts, script: EditCosts, say: (line: string) => void) {
  const rand = seeded(23);
  const names = [...new Set(lp.map(([a]) => a))];
  const same = new Set(lp.map(([a, b]) => `${a} ${b}`));
  const random: number[] = [];
  while (random.length < RANDOM_PAIRS) {
    const a = names[Math.floor(rand() * names.length)]!;
    const b = names[Math.floor(rand() * names.length)]!;
    if (a === b || same.has(`${a} ${b}`)) continue;
    random.push(perLetter(editDistance(a, b, latin), a, b));
  }
  const lines = { VARIANT: line(random, LEVEL_FPR.VARIANT), SIMILAR: line(random, LEVEL_FPR.SIMILAR), ALIKE: line(random, LEVEL_FPR.ALIKE) };
  const positives = lp.map(([a, b]) => perLetter(editDistance(a, b, latin), a, b));
  const share = (t: number) => (positives.filter((d) => d <= t).length / positives.length).toFixed(3);
  say(`latin lines (bits per letter): ${JSON.stringify(lines)}; training pairs under each: ${share(lines.VARIANT)}, ${share(lines.SIMILAR)}, ${share(lines.ALIKE)}`);
  const scriptRandom: number[] = [];
  while (scriptRandom.length < RANDOM_PAIRS / 4) {
    const [a, x] = sp[Math.floor(rand() * sp.length)]!;
    const [, b] = sp[Math.floor(rand() * sp.length)]!;
    if (x === b) continue;
    scriptRandom.push(perLetter(editDistance(a, b, script), a, b));
  }
  const scriptLine = line(scriptRandom, LEVEL_FPR.SCRIPT);
  const scriptPositives = sp.map(([a, b]) => perLetter(editDistance(a, b, script), a, b));
  say(`script line: ${scriptLine}; training pairs under it: ${(scriptPositives.filter((d) => d <= scriptLine).length / sp.length).toFixed(3)}`);
  return { statistic: 'bits per letter of both spellings', falsePositiveRates: LEVEL_FPR, latin: lines, script: { SCRIPT: scriptLine } };
}

function digest(x: unknown): string {
  return crypto.createHash('sha256').update(JSON.stringify(x)).digest('hex').slice(0, 12);
}

function main() {
  const say = (line: string) => console.log(line);
  const latinGroups = [...wikidataGroups(RUSSIAN, 'train'), ...wikidataGroups(HEBREW, 'train', HEBREW_WORDS)];
  const lp = latinPairs(latinGroups);
  const rp = romanisedPairs(wikidataGroups(RUSSIAN, 'train'));
  say(`latin: ${lp.length / 2} pairs of Latin spellings of one name and ${rp.length / 2} Latin spellings against their Cyrillic romanised (both ways round)`);
  // The two kinds of pair weigh alike in all: the Latin-to-Latin pairs, the fewer, repeated.
  const repeat = Math.max(1, Math.round(rp.length / lp.length));
  const latin = trainTable([...Array.from({ length: repeat }, () => lp).flat(), ...rp], true, say);
  const sp = scriptPairs();
  say(`script: ${sp.length} Arabic-script name parts and their Latin spellings`);
  const script = trainTable(sp, false, say);
  const key = keyClasses(latin, script);
  const levels = levelLines(lp, sp, new EditCosts(latin), new EditCosts(script), say);
  say(`key: classes ${JSON.stringify(key.classes)}, dropped "${key.dropped}"`);
  const date = new Date().toISOString().slice(0, 10);
  const tables = { latin: { units: latin.units, edits: latin.edits, unseen: latin.unseen }, script: { units: script.units, edits: script.edits, unseen: script.unseen }, key, levels };
  const costs = {
    version: `name-edit-costs-${date}-${digest(tables)}`,
    provenance: {
      made: 'npm run train:names (scripts/train-names.ts)',
      method: 'stochastic edit distance (Ristad and Yianilos 1998) trained by EM; cost of an edit = -log2 P(edit) + half the log2 of each letter\'s likeliest edit, floored at 0 (bits)',
      latin: { data: 'data/names/wd_russian_80 and wd_hebrew.normalized.aligned.tokens (Wikidata, CC0): Latin spellings of one Cyrillic or Hebrew spelling, and Latin spellings against the Cyrillic romanised by any-ascii; counts >= 3, training part (bench/name-sets.ts)', pairs: latin.pairs / 2, bitsPerPair: latin.bitsPerPair },
      script: { data: 'data/names/ar2en-train.txt (google/transliteration, Apache-2.0): Arabic-script names folded by any-ascii and their Latin spellings, training part', pairs: script.pairs, bitsPerPair: script.bitsPerPair },
      constants: { MIN_PAIR_OCCURRENCES, ITERATIONS, PSEUDO_COUNT, MIN_EDIT_COUNT, KEY_LINE, VOWELS },
    },
    ...tables,
  };
  const eq = equivalences();
  const equivalenceFile = {
    version: `name-equivalences-${date}-${digest(eq)}`,
    provenance: {
      made: 'npm run train:names (scripts/train-names.ts)',
      data: 'data/names (Wikidata via NETransliteration-COLING2018, CC0; google/transliteration ar2en, Apache-2.0), training part (bench/name-sets.ts)',
      meaning: 'each group: the Latin spellings (and #folded Arabic-script spelling) one source-script spelling was written as, with the number of Wikidata labels (Arabic: pairs) that wrote it so',
    },
    ...eq,
  };
  fs.mkdirSync(MODELS, { recursive: true });
  fs.writeFileSync(path.join(MODELS, 'name-edit-costs.json'), JSON.stringify(costs, null, 1) + '\n');
  fs.writeFileSync(path.join(MODELS, 'name-equivalences.json'), JSON.stringify(equivalenceFile) + '\n');
  say(`wrote ${costs.version} (${latin.edits.length} + ${script.edits.length} edits) and ${equivalenceFile.version} (${eq.groups.length} groups)`);
}

if (require.main === module) main();
