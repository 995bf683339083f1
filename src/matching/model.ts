/**
 * The Fellegi–Sunter model: match weight = prior + Σ log2(m/u) over the fields both records
 * hold, each field at the level its comparator found. Every score carries its per-field
 * contributions (they sum to the weight, prior included) and the top reasons in plain words.
 */
import {
  alignNames, compareAddress, compareAgree, compareBiometrics, compareContacts, compareDobs, compareIdentifiers, comparePostcode,
  TOKEN_LEVELS, type DobLevel, type Frequencies, type TokenLevel, type TokenMatch,
} from './compare';
import type { PreparedRecord, PreparedToken } from './record';

export const FIELDS = ['name', 'dob', 'sex', 'nationality', 'identifiers', 'biometrics', 'contacts', 'address', 'postcode'] as const;
export type Field = (typeof FIELDS)[number];

export interface Probabilities {
  /** P(level | the records are the same person). */
  readonly m: number;
  /** P(level | they are not). */
  readonly u: number;
}

export interface ModelParameters {
  /** Bumped whenever the parameters change; stored with every training run. */
  readonly version: string;
  /** log2 odds that a candidate pair is a match, before any evidence. */
  readonly prior: number;
  readonly fields: { readonly [F in Field]: Readonly<Record<string, Probabilities>> };
  /** Floor for a name token's term frequency, so one odd token cannot dominate. */
  readonly minTokenFrequency: number;
}

export type MatchGrade = 'CERTAIN' | 'PROBABLE' | 'POSSIBLE' | 'CERTAINLY_NOT';

/** Grade thresholds on the match probability (configuration, not tuned per data set). */
export interface GradeThresholds {
  readonly certain: number;
  readonly probable: number;
  readonly possible: number;
}

export interface Contribution {
  readonly field: Field | 'prior';
  /** The comparator level, e.g. `VARIANT`; for names the strongest token level. */
  readonly level: string;
  /** log2(m/u): positive is evidence for, negative against. */
  readonly weight: number;
  /** Plain words for a person to read. */
  readonly reason: string;
}

export interface Score {
  readonly weight: number;
  readonly probability: number;
  readonly grade: MatchGrade;
  readonly contributions: readonly Contribution[];
  /** The strongest contributions' reasons, for and against. */
  readonly reasons: readonly string[];
  /** The level of each aligned pair of name parts (what training counts). */
  readonly nameLevels: readonly TokenLevel[];
}

const log2 = Math.log2;

/** Name part levels that say the part is the same name (written alike, a variant, or sounding alike). */
const STRONG_NAME_LEVELS: ReadonlySet<TokenLevel> = new Set(['EXACT', 'SCRIPT_SKELETON', 'VARIANT', 'PHONETIC', 'JW_HIGH']);

/** Name part levels that say the part is the same name as written, a variant or in another script. */
const SAME_NAME_LEVELS: ReadonlySet<TokenLevel> = new Set(['EXACT', 'VARIANT', 'SCRIPT_SKELETON']);

/** Fields whose agreement is evidence beyond a date of birth, sex and nationality. */
const OTHER_EVIDENCE: ReadonlySet<Contribution['field']> = new Set(['identifiers', 'biometrics', 'contacts', 'address', 'postcode']);

/** Names with no part in common weigh at least this many differing name parts against a match. */
const NAMES_DIFFER_PARTS = 2;

export function weightOf(p: Probabilities): number {
  return log2(p.m / p.u);
}

export function gradeOf(probability: number, t: GradeThresholds): MatchGrade {
  if (probability >= t.certain) return 'CERTAIN';
  if (probability >= t.probable) return 'PROBABLE';
  if (probability >= t.possible) return 'POSSIBLE';
  return 'CERTAINLY_NOT';
}

/** FHIR `$match` codes, used in CSV outputs. */
export function fhirGrade(grade: MatchGrade): string {
  return grade.toLowerCase().replace('_', '-');
}

export class MatchModel {
  constructor(
    readonly parameters: ModelParameters,
    readonly thresholds: GradeThresholds,
  ) {}

  private level(field: Field, level: string): Probabilities {
    const p = this.parameters.fields[field][level];
    if (!p) throw new Error(`model ${this.parameters.version}: no m/u for ${field} level ${level}`);
    return p;
  }

  /** A name token pair's weight; an exact or variant agreement on a common token weighs less. */
  tokenWeight(level: TokenLevel, a: PreparedToken, _b: PreparedToken, freq?: Frequencies): number {
    const p = this.level('name', level);
    if ((level === 'EXACT' || level === 'VARIANT') && freq?.tokenFrequency) {
      const f = freq.tokenFrequency(a.text);
      if (f !== undefined) return log2(p.m / Math.max(f, this.parameters.minTokenFrequency));
    }
    return weightOf(p);
  }

  score(a: PreparedRecord, b: PreparedRecord, freq?: Frequencies): Score {
    const contributions: Contribution[] = [{ field: 'prior', level: 'PRIOR', weight: this.parameters.prior, reason: 'prior odds of a candidate pair' }];
    const add = (field: Field, level: string | null | undefined, reason: (level: string) => string) => {
      if (!level) return;
      contributions.push({ field, level, weight: weightOf(this.level(field, level)), reason: reason(level) });
    };

    const names = alignNames(a, b, (level, x, y) => this.tokenWeight(level, x, y, freq));
    if (names && names.matches.length) {
      // Names with no part in common disagree as a whole, however few parts one of them has: a
      // one-word name ("Ryan") that agrees with no part of "Adam Guymer" is as different as two
      // two-part names.
      const disagree = names.matches.every((m) => m.level === 'DIFFERENT');
      const parts = Math.min(NAMES_DIFFER_PARTS, Math.max(...a.names.map((n) => n.length), ...b.names.map((n) => n.length)));
      const weight = disagree ? Math.min(names.weight, parts * weightOf(this.level('name', 'DIFFERENT'))) : names.weight;
      contributions.push({ field: 'name', level: strongest(names.matches), weight, reason: nameReason(names.matches) });
    }

    const dob = compareDobs(a, b);
    add('dob', dob?.level, (level) => dobReason(level, dob?.placeholder ?? false));
    add('sex', compareAgree(a.source.sex, b.source.sex), (l) => (l === 'AGREE' ? 'same sex' : 'different sex recorded'));
    add('nationality', compareAgree(a.source.nationality, b.source.nationality), (l) => (l === 'AGREE' ? 'same nationality' : 'different nationality recorded'));
    const ids = compareIdentifiers(a, b, freq);
    add('identifiers', ids?.level, (l) => identifierReason(l, ids?.what ?? ''));
    const bio = compareBiometrics(a, b, freq);
    add('biometrics', bio?.level, (l) => biometricReason(l, bio?.what ?? '', a, b));
    const contact = compareContacts(a, b, freq);
    add('contacts', contact?.level, (l) => (l === 'EQUAL' ? `same ${contact!.what}` : `same ${contact!.what}, but many identities share it`));
    add('address', compareAddress(a, b), (l) => ({ EXACT: 'same address', HIGH: 'addresses nearly the same', PARTIAL: 'addresses partly alike', DIFFERENT: 'different addresses' })[l] ?? l);
    add('postcode', comparePostcode(a, b), (l) => ({ EXACT: 'same postcode', NEAR: 'postcodes differ by one character', DIFFERENT: 'different postcodes' })[l] ?? l);

    const weight = contributions.reduce((s, c) => s + c.weight, 0);
    const probability = 1 / (1 + 2 ** -weight);
    // Fellegi–Sunter's independence fails where names are shared: twins and siblings (family name,
    // birthday, address agree together) and namesakes in one community. CERTAIN therefore needs an
    // identifier, biometric reference or contact in common, or every aligned name part agreeing
    // (as written or as a variant) with the same full date of birth —
    const strongEvidence = (ids && (ids.level === 'VERIFIED_EQUAL' || ids.level === 'EQUAL')) || bio?.level === 'EQUAL' || contact?.level === 'EQUAL';
    const namesAgree = names !== null && names.matches.every((m) => SAME_NAME_LEVELS.has(m.level));
    let grade = gradeOf(probability, this.thresholds);
    // And never while an identifier or biometric reference of one scheme disagrees.
    const contradicted = ids?.level === 'DIFFERENT' || bio?.level === 'DIFFERENT';
    if (grade === 'CERTAIN' && (contradicted || (!strongEvidence && !(namesAgree && dob?.level === 'EXACT')))) grade = 'PROBABLE';
    // Fellegi–Sunter's independence fails again among children of one community born within a
    // few years, whose names collide: PROBABLE (a suggestion to judge, an alert) from names and a
    // date of birth alone must pass `namesAndDateSuffice`; evidence of another kind (an
    // identifier, even one character off, a biometric reference, a contact, an address) lifts it.
    const otherEvidence = contributions.some((c) => OTHER_EVIDENCE.has(c.field) && c.weight > 0);
    const nameLevels = names?.matches.map((m) => m.level) ?? [];
    if ((grade === 'CERTAIN' || grade === 'PROBABLE') && !otherEvidence && !namesAndDateSuffice(names && nameLevels, dob?.level)) grade = 'POSSIBLE';
    return { weight, probability, grade, contributions, reasons: reasonsOf(contributions), nameLevels };
  }
}

/**
 * Whether names and a date of birth alone can make a lead:
 * - the full date (or its day and month swapped), or no date: a name part in common (as written,
 *   a variant, sounding or spelled alike) or no part that differs — a shared date of birth, one
 *   child in a few thousand, with names that share nothing or only a skeleton, is no lead;
 * - a date that is only near (a digit off, the same month or year, a year either side, an age):
 *   no name part that differs, or one written alike — whose weight already says how common the
 *   name is ("Anh" among Vietnamese children). A variant or sound-alike of one part, with
 *   another that differs, is what children of one community born within a few years share;
 * - two different full dates within a year: every name part agreeing as written or as a variant;
 * - two real full dates years apart: never (siblings and cousins, far more often than one child;
 *   an age dispute gives an estimated or placeholder date, which is never FAR).
 */
function namesAndDateSuffice(names: readonly TokenLevel[] | null, dob: DobLevel | undefined): boolean {
  if (!names) return false;
  const differs = names.includes('DIFFERENT');
  switch (dob) {
    case undefined:
    case 'EXACT':
    case 'SWAP':
      return !differs || names.some((l) => STRONG_NAME_LEVELS.has(l));
    case 'FAR':
      return false;
    case 'DIFFERENT':
      return names.every((l) => SAME_NAME_LEVELS.has(l));
    default:
      return !differs || names.includes('EXACT');
  }
}

/** The strongest contributions' reasons, for and against (at most four, prior left out). */
export function reasonsOf(contributions: readonly Contribution[]): string[] {
  return contributions
    .filter((c) => c.field !== 'prior' && Math.abs(c.weight) >= 0.5)
    .sort((x, y) => Math.abs(y.weight) - Math.abs(x.weight))
    .slice(0, 4)
    .map((c) => c.reason);
}

function strongest(matches: readonly TokenMatch[]): TokenLevel {
  const order = TOKEN_LEVELS;
  return matches.map((m) => m.level).sort((x, y) => order.indexOf(x) - order.indexOf(y))[0] ?? 'DIFFERENT';
}

function nameReason(matches: readonly TokenMatch[]): string {
  const agreeing = matches.filter((m) => m.level !== 'DIFFERENT');
  const differing = matches.length - agreeing.length;
  const words = (m: TokenMatch) => `${m.a} / ${m.b}`;
  const kinds: string[] = [];
  const of = (level: TokenLevel) => agreeing.filter((m) => m.level === level);
  const exact = of('EXACT').length;
  if (exact) kinds.push(agreeing.length === exact && !differing ? 'names agree' : exact > 1 ? `${exact} name parts agree` : '1 name part agrees');
  const spellings = of('VARIANT').filter((m) => !m.sameName);
  const forms = of('VARIANT').filter((m) => m.sameName);
  if (spellings.length) kinds.push(`names are transliteration variants (${spellings.map(words).join(', ')})`);
  if (forms.length) kinds.push(`names are forms of one name in different languages (${forms.map(words).join(', ')})`);
  if (of('PHONETIC').length) kinds.push(`names sound alike (${of('PHONETIC').map(words).join(', ')})`);
  if (of('JW_HIGH').length || of('JW_MID').length) kinds.push(`names spelled similarly (${[...of('JW_HIGH'), ...of('JW_MID')].map(words).join(', ')})`);
  if (of('SCRIPT_SKELETON').length) kinds.push(`names agree in their consonants across scripts (${of('SCRIPT_SKELETON').map(words).join(', ')})`);
  if (of('SKELETON').length) kinds.push(`names share their consonant skeleton (${of('SKELETON').map(words).join(', ')})`);
  if (of('INITIAL').length) kinds.push('an initial agrees');
  if (differing) kinds.push(`${differing} name part${differing > 1 ? 's' : ''} differ${differing > 1 ? '' : 's'}`);
  return kinds.join('; ');
}

function dobReason(level: string, placeholder: boolean): string {
  switch (level) {
    case 'EXACT': return 'same date of birth';
    case 'SWAP': return 'dates of birth agree with day and month swapped';
    case 'TYPO': return 'dates of birth differ by one digit';
    case 'MONTH': return 'born the same month and year';
    case 'YEAR': return placeholder ? 'born the same year; day and month are a placeholder' : 'born the same year';
    case 'NEAR_YEAR': return 'born within a year of each other (an estimated or disputed age)';
    case 'DIFFERENT': return 'different dates of birth';
    case 'FAR': return 'dates of birth years apart';
    default: return level;
  }
}

function identifierReason(level: string, scheme: string): string {
  switch (level) {
    case 'VERIFIED_EQUAL': return `same ${scheme} (check character verified)`;
    case 'EQUAL': return `same ${scheme}`;
    case 'SHARED': return `same ${scheme}, but many identities share it`;
    case 'NEAR': return `${scheme} differs by one character`;
    case 'DIFFERENT': return `different ${scheme}`;
    default: return level;
  }
}

function biometricReason(level: string, repository: string, a: PreparedRecord, b: PreparedRecord): string {
  const modality = [...(a.source.biometrics ?? []), ...(b.source.biometrics ?? [])].find((x) => x.repository === repository && x.modality)?.modality?.toLowerCase() ?? 'biometric';
  switch (level) {
    case 'EQUAL': return `same ${repository} ${modality} reference`;
    case 'SHARED': return `same ${repository} ${modality} reference, but many identities share it`;
    case 'DIFFERENT': return `different ${repository} ${modality} references`;
    default: return level;
  }
}
