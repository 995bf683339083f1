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
 * scoring a batch meets the same pairs of names again and again. An open-addressing table keyed
 * by the two tokens' ids (`PreparedToken.id`), in typed arrays (a lookup allocates nothing and
 * costs a hash and a probe or two, where a map of maps by token cost more than most levels do to
 * find); emptied whole when it is 5/8 full (1.3M pairs, 19 MB, allocated on first use: the 5k x 5k
 * bench linkage meets 920k distinct pairs).
 */
const LEVEL_SLOTS_LOG2 = 21;
const LEVEL_SLOTS = 1 << LEVEL_SLOTS_LOG2;
const MAX_CACHED_LEVELS = (LEVEL_SLOTS >> 3) * 5;
let levelKeyA: Int32Array | undefined;
let levelKeyB: Int32Array | undefined;
/** The level's index in TOKEN_LEVELS; a slot is empty where levelKeyA is 0 (ids start at 1). */
let levelOf: Uint8Array | undefined;
let cachedLevels = 0;

export function compareTokens(a: PreparedToken, b: PreparedToken): TokenLevel {
  if (!levelKeyA || cachedLevels >= MAX_CACHED_LEVELS) {
    levelKeyA = new Int32Array(LEVEL_SLOTS);
    levelKeyB = new Int32Array(LEVEL_SLOTS);
    levelOf = new Uint8Array(LEVEL_SLOTS);
    cachedLevels = 0;
  }
  const keysA = levelKeyA;
  const keysB = levelKeyB!;
  const x = a.id;
  const y = b.id;
  let slot = (Math.imul(x, 0x9e3779b1) ^ Math.imul(y + 0x632be5ab, 0x85ebca77)) >>> (32 - LEVEL_SLOTS_LOG2);
  for (;;) {
    const k = keysA[slot]!;
    if (k === 0) break;
    if (k === x && keysB[slot] === y) return TOKEN_LEVELS[levelOf![slot]!]!;
    slot = (slot + 1) & (LEVEL_SLOTS - 1);
  }
  const level = tokenLevel(a, b);
  keysA[slot] = x;
  keysB[slot] = y;
  levelOf![slot] = TOKEN_LEVELS.indexOf(level);
  cachedLevels++;
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
  // No group in common (the groups of all their forms): no support, without looking up each pair of forms.
  if (!a.groups.length || !b.groups.length || !a.groups.some((g) => b.groups.includes(g))) return 0;
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
 * An alignment written into reused arrays (`alignNamesInto`): the aligned pairs of name parts in
 * order (`count` of them: each pair's level and its two tokens), the weight and `parts`. What
 * scoring a candidate pair needs without making an object a pair of parts; `matches()` makes them.
 */
export class AlignmentBuffer {
  count = 0;
  weight = 0;
  parts = 0;
  readonly levels: TokenLevel[] = [];
  readonly a: PreparedToken[] = [];
  readonly b: PreparedToken[] = [];

  push(level: TokenLevel, a: PreparedToken, b: PreparedToken): void {
    this.levels[this.count] = level;
    this.a[this.count] = a;
    this.b[this.count] = b;
    this.count++;
  }

  matches(): TokenMatch[] {
    const out: TokenMatch[] = [];
    for (let k = 0; k < this.count; k++) out.push({ a: this.a[k]!.text, b: this.b[k]!.text, level: this.levels[k]! });
    return out;
  }
}

/**
 * Order-free alignment of two names' tokens ("Nguyen Van Anh" / "Anh Nguyen", an Eritrean
 * given + father's + grandfather's name against given + father's): token pairs are taken
 * greedily by weight; a token of the shorter name left without a partner counts as DIFFERENT,
 * extra tokens of the longer name (a middle name one agency did not record) count nothing.
 * The best pair of names across both records' names wins.
 */
export function alignNames(a: PreparedRecord, b: PreparedRecord, tokenWeight: PartWeight): NameAlignment | null {
  const best = alignNamesInto(a, b, tokenWeight);
  return best && { matches: best.matches(), weight: best.weight, parts: best.parts };
}

/** The two buffers `alignNamesInto` writes to: the best alignment so far and the one being made. */
let bestAlignment = new AlignmentBuffer();
let nextAlignment = new AlignmentBuffer();

/**
 * `alignNames` into a buffer of this module's, valid until the next call (no object made a
 * pair of parts); null when either record has no name.
 */
export function alignNamesInto(a: PreparedRecord, b: PreparedRecord, tokenWeight: PartWeight): AlignmentBuffer | null {
  let found = false;
  for (const na of a.names) {
    for (const nb of b.names) {
      alignTokens(na, nb, tokenWeight, nextAlignment);
      if (!found || nextAlignment.weight > bestAlignment.weight) {
        [bestAlignment, nextAlignment] = [nextAlignment, bestAlignment];
        found = true;
      }
    }
  }
  return found ? bestAlignment : null;
}

/** Scratch of `alignTokens`, grown as needed: the candidate pairs of parts (index into na, nb; level; weight), their order, and the parts taken. */
let pairI = new Int32Array(64);
let pairJ = new Int32Array(64);
let pairWeight = new Float64Array(64);
const pairLevel: TokenLevel[] = [];
let pairOrder = new Int32Array(64);
let usedA = new Uint8Array(16);
let usedB = new Uint8Array(16);

function alignTokens(na: readonly PreparedToken[], nb: readonly PreparedToken[], tokenWeight: PartWeight, out: AlignmentBuffer): void {
  const parts = Math.max(na.length, nb.length);
  if (pairI.length < na.length * nb.length) {
    const size = na.length * nb.length * 2;
    [pairI, pairJ, pairWeight, pairOrder] = [new Int32Array(size), new Int32Array(size), new Float64Array(size), new Int32Array(size)];
  }
  let n = 0;
  for (let i = 0; i < na.length; i++) {
    for (let j = 0; j < nb.length; j++) {
      const level = compareTokens(na[i]!, nb[j]!);
      if (level === 'DIFFERENT') continue;
      pairI[n] = i;
      pairJ[n] = j;
      pairLevel[n] = level;
      pairWeight[n] = tokenWeight(level, na[i]!, nb[j]!, parts);
      // Insertion into the order: weight (highest first), then i, then j (as made: i and j only grow).
      let k = n;
      for (; k > 0; k--) {
        const before = pairOrder[k - 1]!;
        if (!(pairWeight[before]! < pairWeight[n]!)) break;
        pairOrder[k] = before;
      }
      pairOrder[k] = n;
      n++;
    }
  }
  if (usedA.length < na.length) usedA = new Uint8Array(na.length * 2);
  if (usedB.length < nb.length) usedB = new Uint8Array(nb.length * 2);
  usedA.fill(0, 0, na.length);
  usedB.fill(0, 0, nb.length);
  out.count = 0;
  out.parts = parts;
  let weight = 0;
  for (let k = 0; k < n; k++) {
    const p = pairOrder[k]!;
    const i = pairI[p]!;
    const j = pairJ[p]!;
    if (usedA[i] || usedB[j] || pairWeight[p]! <= 0) continue;
    usedA[i] = 1;
    usedB[j] = 1;
    out.push(pairLevel[p]!, na[i]!, nb[j]!);
    weight += pairWeight[p]!;
  }
  // Unpaired tokens of the shorter name: each is a disagreement.
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < na.length && usedA[i]) i++;
    while (j < nb.length && usedB[j]) j++;
    if (i >= na.length || j >= nb.length) break;
    out.push('DIFFERENT', na[i]!, nb[j]!);
    weight += tokenWeight('DIFFERENT', na[i]!, nb[j]!, parts);
    i++;
    j++;
  }
  out.weight = weight;
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
  const right = b.source.contacts ?? [];
  let best: KeyedComparison<ContactLevel> | null = a.source.contacts?.length && right.length ? { level: 'DIFFERENT', what: 'contact' } : null;
  for (const value of a.source.contacts ?? []) {
    if (!right.includes(value)) continue;
    if (!shared(freq, valueKey.contact(value))) return { level: 'EQUAL', what: value.startsWith('+') ? 'phone' : 'contact' };
    best = { level: 'SHARED', what: value.startsWith('+') ? 'phone' : 'contact' };
  }
  return best;
}

/** Whether two lists of tokens are the same tokens in the same order (tokens hold no space: what comparing them joined by spaces asked, without making the strings). */
function sameTokens(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function compareAddress(a: PreparedRecord, b: PreparedRecord): AddressLevel | null {
  if (!a.address.length || !b.address.length) return null;
  if (sameTokens(a.address, b.address)) return 'EXACT';
  // Mean over the shorter address of each token's best Jaro–Winkler against the other's tokens.
  const [short, long] = a.address.length <= b.address.length ? [a.address, b.address] : [b.address, a.address];
  let sum = 0;
  for (const t of short) {
    let best = -Infinity;
    for (const u of long) best = Math.max(best, jaroWinkler(t, u));
    sum += best;
  }
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
