/**
 * Comparators with ordered levels. Each returns the first (strongest) level that holds, or null
 * when either side lacks the field (a missing field is no evidence either way).
 */
import type { PreparedDob, PreparedRecord, PreparedToken } from './record';
import { valueKey } from './keys';
import { jaroWinkler, withinOneEdit } from './strings';
import { EDIT_COSTS, editDistance, LATIN_COSTS, perLetter, SCRIPT_COSTS, type EditCosts } from './edit-costs';
import { equivalenceSupport } from './equivalences';

/**
 * Levels of a pair of name parts, strongest first, one mechanism each: the same spelling;
 * spellings of one name by the equivalence corpus (`equivalences.ts`); Arabic or Hebrew script
 * against Latin within the script table's line; Latin spellings within the learned distance's
 * VARIANT line (`edit-costs.ts`); a typo (Jaro–Winkler ≥ 0.92 and one edit apart: JW_HIGH);
 * within the distance's SIMILAR line; Jaro–Winkler ≥ 0.85 (JW_MID); within the ALIKE line; an
 * initial; different. A typo is a different process from transliteration, so it has levels of
 * its own, and it is stronger evidence than a spelling only SIMILAR.
 */
export const TOKEN_LEVELS = ['EXACT', 'EQUIVALENT', 'SCRIPT', 'VARIANT', 'JW_HIGH', 'SIMILAR', 'JW_MID', 'ALIKE', 'INITIAL', 'DIFFERENT'] as const;
export type TokenLevel = (typeof TOKEN_LEVELS)[number];

export const DOB_LEVELS = ['EXACT', 'SWAP', 'TYPO', 'MONTH', 'YEAR', 'NEAR_YEAR', 'DIFFERENT', 'FAR'] as const;
export type DobLevel = (typeof DOB_LEVELS)[number];

export const ID_LEVELS = ['VERIFIED_EQUAL', 'EQUAL', 'SHARED', 'NEAR', 'DIFFERENT', 'VERIFIED_DIFFERENT'] as const;
export type IdLevel = (typeof ID_LEVELS)[number];

export const BIOMETRIC_LEVELS = ['EQUAL', 'SHARED', 'DIFFERENT'] as const;
export type BiometricLevel = (typeof BIOMETRIC_LEVELS)[number];

export const CONTACT_LEVELS = ['EQUAL', 'SHARED', 'DIFFERENT'] as const;
export type ContactLevel = (typeof CONTACT_LEVELS)[number];

export const AGREE_LEVELS = ['AGREE', 'DISAGREE'] as const;
export type AgreeLevel = (typeof AGREE_LEVELS)[number];

export const ADDRESS_LEVELS = ['EXACT', 'HIGH', 'PARTIAL', 'DIFFERENT'] as const;
export type AddressLevel = (typeof ADDRESS_LEVELS)[number];

export const POSTCODE_LEVELS = ['EXACT', 'NEAR', 'DIFFERENT'] as const;
export type PostcodeLevel = (typeof POSTCODE_LEVELS)[number];

/** How often a value is shared in the data matched against; a value held by many identities (a hostel phone) is demoted. */
export interface Frequencies {
  /** Identities holding this identifier, biometric reference or contact (`valueKey`). */
  valueCount?(key: string): number;
  /** Relative frequency (0..1) of a name token among all name tokens. */
  tokenFrequency?(token: string): number | undefined;
  /** Records (identities) in the data matched against: the more there are, the lower the prior odds of any one pair. */
  readonly records?: number;
}

/** A value held by more identities than this is no longer strong evidence. */
export const SHARED_ABOVE = 5;

function intersects(a: readonly string[], b: readonly string[]): boolean {
  for (const x of a) if (x && b.includes(x)) return true;
  return false;
}

/** The learned lines (bits per letter of both spellings), set by the training script on random pairs of different names. */
const LINES = EDIT_COSTS.levels;

/**
 * A name and the same name with an ending added are two names, a brother and a sister or a name
 * and its pet form as often as one child: never variants, whatever the distance. A final "a" or
 * "ah" makes a woman's name ("Karim"/"Karima", "Paul"/"Paula", "Aleksandr"/"Aleksandra"); a final
 * "o" or "y" on a name of up to four letters, or "i" on one of up to three, makes a pet form or
 * another language's name ("Dan"/"Dani", "Nik"/"Niki", "Mark"/"Marko", "Emil"/"Emily"). Longer
 * names keep their "i": an Albanian name's definite form is the same name ("Ilir"/"Iliri"). A final
 * "e" is often silent ("Lynn"/"Lynne"), so it is not an ending here.
 */
function endingAdded(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  const n = short.length;
  const added = long.length - n;
  if ((added !== 1 && added !== 2) || 'aeiouy'.includes(short[n - 1]!) || !long.startsWith(short)) return false;
  if (long[n] === 'a') return added === 1 || long[n + 1] === 'h';
  return added === 1 && ((n <= 4 && 'oy'.includes(long[n]!)) || (n <= 3 && long[n] === 'i'));
}

/**
 * Levels already found, by token pair: prepared tokens are shared objects (`prepareToken`), and
 * scoring a batch meets the same pairs of names again and again. Bounded: dropped whole when full.
 */
let levels = new WeakMap<PreparedToken, Map<PreparedToken, TokenLevel>>();
let cachedLevels = 0;
const MAX_CACHED_LEVELS = 250_000;

export function compareTokens(a: PreparedToken, b: PreparedToken): TokenLevel {
  let row = levels.get(a);
  if (!row) levels.set(a, (row = new Map()));
  let level = row.get(b);
  if (level === undefined) {
    level = tokenLevel(a, b);
    if (++cachedLevels > MAX_CACHED_LEVELS) {
      levels = new WeakMap();
      cachedLevels = 0;
    } else row.set(b, level);
  }
  return level;
}

function tokenLevel(a: PreparedToken, b: PreparedToken): TokenLevel {
  if (a.text === b.text || intersects(a.forms, b.forms)) return 'EXACT';
  if (a.text.length === 1 || b.text.length === 1) return a.text[0] === b.text[0] ? 'INITIAL' : 'DIFFERENT';
  if (support(a, b) > 0) return 'EQUIVALENT';
  // Arabic or Hebrew script against Latin: the script table, from the script's letters to Latin.
  // A spelling it does not place (Kurdish and Persian letters any-ascii folds to Latin vowels,
  // "کەریم" → "kerim") is compared as Latin.
  if (a.abjad !== b.abjad) {
    const [script, latin] = a.abjad ? [a, b] : [b, a];
    if (closest(script.forms, latin.forms, SCRIPT_COSTS, LINES.script.SCRIPT) <= LINES.script.SCRIPT) return 'SCRIPT';
  }
  const jw = jaroWinkler(a.text, b.text);
  const distance = closest(a.forms, b.forms, LATIN_COSTS, LINES.latin.ALIKE);
  if (!endingAdded(a.text, b.text)) {
    if (distance <= LINES.latin.VARIANT) return 'VARIANT';
    if (jw >= 0.92 && withinOneEdit(a.text, b.text)) return 'JW_HIGH';
    if (distance <= LINES.latin.SIMILAR) return 'SIMILAR';
  }
  if (jw >= 0.85) return 'JW_MID';
  if (distance <= LINES.latin.ALIKE) return 'ALIKE';
  return 'DIFFERENT';
}

/**
 * The least distance (bits per letter) between any form of one and any form of the other, or
 * Infinity where none is within `line` bits per letter (the widest line the caller asks about).
 */
function closest(xs: readonly string[], ys: readonly string[], costs: EditCosts, line: number): number {
  let best = Infinity;
  for (const x of xs) for (const y of ys) best = Math.min(best, perLetter(editDistance(x, y, costs, line * (x.length + y.length)), x, y));
  return best;
}

/** The corpus support of two name parts being one name (0: none), by any of their forms. */
export function support(a: PreparedToken, b: PreparedToken): number {
  let best = 0;
  for (const x of a.equivalenceKeys) for (const y of b.equivalenceKeys) best = Math.max(best, equivalenceSupport(x, y));
  return best;
}

export interface TokenMatch {
  readonly a: string;
  readonly b: string;
  readonly level: TokenLevel;
}

export interface NameAlignment {
  readonly matches: readonly TokenMatch[];
  readonly weight: number;
  /** Parts of the longer of the two names aligned: each part of the other was looked for among that many. */
  readonly parts: number;
}

/** A name part pair's weight; `parts`: how many parts it was looked for among (`NameAlignment.parts`). */
export type PartWeight = (level: TokenLevel, a: PreparedToken, b: PreparedToken, parts: number) => number;

/**
 * Order-free alignment of two names' tokens ("Nguyen Van Anh" / "Anh Nguyen", an Eritrean
 * given + father's + grandfather's name against given + father's): token pairs are taken
 * greedily by weight; a token of the shorter name left without a partner counts as DIFFERENT,
 * extra tokens of the longer name (a middle name one agency did not record) count nothing.
 * The best pair of names across both records' names wins.
 */
export function alignNames(a: PreparedRecord, b: PreparedRecord, tokenWeight: PartWeight): NameAlignment | null {
  let best: NameAlignment | null = null;
  for (const na of a.names) {
    for (const nb of b.names) {
      const alignment = alignTokens(na, nb, tokenWeight);
      if (!best || alignment.weight > best.weight) best = alignment;
    }
  }
  return best;
}

function alignTokens(na: readonly PreparedToken[], nb: readonly PreparedToken[], tokenWeight: PartWeight): NameAlignment {
  const parts = Math.max(na.length, nb.length);
  const pairs: { i: number; j: number; level: TokenLevel; weight: number }[] = [];
  for (let i = 0; i < na.length; i++) {
    for (let j = 0; j < nb.length; j++) {
      const level = compareTokens(na[i]!, nb[j]!);
      if (level !== 'DIFFERENT') pairs.push({ i, j, level, weight: tokenWeight(level, na[i]!, nb[j]!, parts) });
    }
  }
  pairs.sort((x, y) => y.weight - x.weight || x.i - y.i || x.j - y.j);
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  const matches: TokenMatch[] = [];
  let weight = 0;
  for (const p of pairs) {
    if (usedA.has(p.i) || usedB.has(p.j) || p.weight <= 0) continue;
    usedA.add(p.i);
    usedB.add(p.j);
    const [a, b] = [na[p.i]!, nb[p.j]!];
    matches.push({ a: a.text, b: b.text, level: p.level });
    weight += p.weight;
  }
  // Unpaired tokens of the shorter name: each is a disagreement.
  const leftA = na.filter((_, i) => !usedA.has(i));
  const leftB = nb.filter((_, j) => !usedB.has(j));
  for (let k = 0; k < Math.min(leftA.length, leftB.length); k++) {
    matches.push({ a: leftA[k]!.text, b: leftB[k]!.text, level: 'DIFFERENT' });
    weight += tokenWeight('DIFFERENT', leftA[k]!, leftB[k]!, parts);
  }
  return { matches, weight, parts };
}

/** Whether two full dates of birth are a digit apart, the year's included (2009-03-15, 2008-03-15). */
export function datesDigitApart(a: PreparedDob, b: PreparedDob): boolean {
  return a.precision === 'DAY' && b.precision === 'DAY' && withinOneEdit(a.digits, b.digits);
}

function compareDob(a: PreparedDob, b: PreparedDob): DobLevel {
  if (a.precision === 'DAY' && b.precision === 'DAY') {
    if (a.year === b.year && a.month === b.month && a.day === b.day) return 'EXACT';
    if (a.year === b.year && a.month === b.day && a.day === b.month) return 'SWAP';
    if (datesDigitApart(a, b)) return 'TYPO';
  }
  if (a.year === b.year) {
    if (a.month !== null && b.month !== null) return a.month === b.month ? 'MONTH' : 'DIFFERENT';
    return 'YEAR';
  }
  if (Math.abs(a.year - b.year) <= 1 && (a.precision !== 'DAY' || b.precision !== 'DAY' || a.placeholder || b.placeholder)) return 'NEAR_YEAR';
  if (datesDigitApart(a, b)) return 'TYPO';
  // Two real (not placeholder) full dates more than a year apart: strong evidence against.
  if (a.precision === 'DAY' && b.precision === 'DAY' && Math.abs(a.year - b.year) >= 2) return 'FAR';
  return 'DIFFERENT';
}

export interface DobComparison {
  readonly level: DobLevel;
  readonly placeholder: boolean;
}

export function compareDobs(a: PreparedRecord, b: PreparedRecord): DobComparison | null {
  const left = a.dobs.length ? a.dobs : ageRangeDobs(a);
  const right = b.dobs.length ? b.dobs : ageRangeDobs(b);
  if (!left.length || !right.length) return null;
  let best: DobComparison | null = null;
  for (const x of left) {
    for (const y of right) {
      const level = compareDob(x, y);
      if (!best || DOB_LEVELS.indexOf(level) < DOB_LEVELS.indexOf(best.level)) best = { level, placeholder: x.placeholder || y.placeholder };
    }
  }
  return best;
}

/** An age range ("about 16") as the birth years it allows, each of YEAR precision. */
function ageRangeDobs(r: PreparedRecord): PreparedDob[] {
  const range = r.source.ageRange;
  if (!range) return [];
  const asOf = range.asOf ? new Date(range.asOf) : new Date();
  const latest = asOf.getUTCFullYear() - range.min;
  const earliest = asOf.getUTCFullYear() - range.max - 1;
  const years: PreparedDob[] = [];
  for (let y = earliest; y <= latest && years.length < 30; y++) years.push({ year: y, month: null, day: null, precision: 'YEAR', placeholder: false, digits: String(y) });
  return years;
}

export function compareAgree(a: string | null | undefined, b: string | null | undefined): AgreeLevel | null {
  if (!a || !b) return null;
  return a === b ? 'AGREE' : 'DISAGREE';
}

function shared(freq: Frequencies | undefined, key: string): boolean {
  return (freq?.valueCount?.(key) ?? 0) > SHARED_ABOVE;
}

export interface KeyedComparison<L> {
  readonly level: L;
  /** What agreed or disagreed (`scheme` or `repository`), for the explanation. */
  readonly what: string;
}

export function compareIdentifiers(a: PreparedRecord, b: PreparedRecord, freq?: Frequencies): KeyedComparison<IdLevel> | null {
  const left = a.source.identifiers ?? [];
  const right = b.source.identifiers ?? [];
  let best: KeyedComparison<IdLevel> | null = null;
  const consider = (level: IdLevel, what: string) => {
    if (!best || ID_LEVELS.indexOf(level) < ID_LEVELS.indexOf(best.level)) best = { level, what };
  };
  for (const x of left) {
    for (const y of right) {
      if (x.scheme !== y.scheme) continue;
      if (x.value === y.value) {
        if (shared(freq, valueKey.identifier(x.scheme, x.value))) consider('SHARED', x.scheme);
        else consider(x.verified && y.verified ? 'VERIFIED_EQUAL' : 'EQUAL', x.scheme);
      } else consider(withinOneEdit(x.value, y.value) ? 'NEAR' : x.verified && y.verified ? 'VERIFIED_DIFFERENT' : 'DIFFERENT', x.scheme);
    }
  }
  return best;
}

export function compareBiometrics(a: PreparedRecord, b: PreparedRecord, freq?: Frequencies): KeyedComparison<BiometricLevel> | null {
  let best: KeyedComparison<BiometricLevel> | null = null;
  for (const x of a.source.biometrics ?? []) {
    for (const y of b.source.biometrics ?? []) {
      if (x.repository !== y.repository) continue;
      const level: BiometricLevel = x.reference !== y.reference ? 'DIFFERENT' : shared(freq, valueKey.biometric(x.repository, x.reference)) ? 'SHARED' : 'EQUAL';
      if (!best || BIOMETRIC_LEVELS.indexOf(level) < BIOMETRIC_LEVELS.indexOf(best.level)) best = { level, what: x.repository };
    }
  }
  return best;
}

/** Contacts in common; DIFFERENT when both records hold contacts and share none. */
export function compareContacts(a: PreparedRecord, b: PreparedRecord, freq?: Frequencies): KeyedComparison<ContactLevel> | null {
  const right = new Set(b.source.contacts ?? []);
  let best: KeyedComparison<ContactLevel> | null = a.source.contacts?.length && right.size ? { level: 'DIFFERENT', what: 'contact' } : null;
  for (const value of a.source.contacts ?? []) {
    if (!right.has(value)) continue;
    if (!shared(freq, valueKey.contact(value))) return { level: 'EQUAL', what: value.startsWith('+') ? 'phone' : 'contact' };
    best = { level: 'SHARED', what: value.startsWith('+') ? 'phone' : 'contact' };
  }
  return best;
}

export function compareAddress(a: PreparedRecord, b: PreparedRecord): AddressLevel | null {
  if (!a.address.length || !b.address.length) return null;
  if (a.address.join(' ') === b.address.join(' ')) return 'EXACT';
  // Mean over the shorter address of each token's best Jaro–Winkler against the other's tokens.
  const [short, long] = a.address.length <= b.address.length ? [a.address, b.address] : [b.address, a.address];
  let sum = 0;
  for (const t of short) sum += Math.max(...long.map((u) => jaroWinkler(t, u)));
  const similarity = sum / short.length;
  const coverage = short.length / long.length;
  if (similarity >= 0.95 && coverage >= 0.6) return 'HIGH';
  if (similarity >= 0.85) return 'PARTIAL';
  return 'DIFFERENT';
}

export function comparePostcode(a: PreparedRecord, b: PreparedRecord): PostcodeLevel | null {
  if (!a.postcode || !b.postcode) return null;
  if (a.postcode === b.postcode) return 'EXACT';
  return withinOneEdit(a.postcode, b.postcode) ? 'NEAR' : 'DIFFERENT';
}
