/**
 * The Fellegi–Sunter model: match weight = prior + Σ log2(m/u) over the fields both records
 * hold, each field at the level its comparator found, + a family term. Every score carries its
 * per-field contributions (they sum to the weight, prior included) and the top reasons in plain
 * words. The grade follows the probability, and nothing else.
 *
 * Non-matches are of two kinds: strangers, whose levels are independent (u), and two children of
 * one family — brothers, sisters, twins — who share a family name, a home, a carer's phone and,
 * for twins, a date of birth, all together. Independence over-counts exactly that agreement, so
 * the non-match side is a mixture: P(x | not) = (1 − s)·P(x | strangers) + s·P(x | family), with
 * P(level | family) = f where a family differs from strangers. The family contribution is
 * log2(P(x | strangers) / P(x | not)): close to 0 for a pair that looks nothing like siblings,
 * strongly negative for twins and siblings, so that the sum is still log2 P(x | match) / P(x | not).
 */
import {
  alignNamesInto, compareAddress, compareAgree, compareBiometrics, compareContacts, compareDobs, compareIdentifiers, comparePostcode,
  TOKEN_LEVELS, type AlignmentBuffer, type DobLevel, type Frequencies, type TokenLevel, type TokenMatch,
} from './compare';
import type { PreparedRecord, PreparedToken } from './record';
import { support } from './compare';
import { supportShare } from './equivalences';

export const FIELDS = ['name', 'dob', 'sex', 'nationality', 'identifiers', 'biometrics', 'contacts', 'address', 'postcode'] as const;
export type Field = (typeof FIELDS)[number];

export interface Probabilities {
  /** P(level | the records are the same person). */
  readonly m: number;
  /** P(level | they are not). */
  readonly u: number;
}

/**
 * What made the pair scored: each candidate generator lets through its own share of matches.
 * `pair` is a pair a person or a file chose to compare (`harbour match compare`, a held-back link).
 */
export const CANDIDATE_SOURCES = ['pair', 'search', 'arrival', 'dedupe', 'link'] as const;
export type CandidateSource = (typeof CANDIDATE_SOURCES)[number];

/** The second kind of non-match: two children of one family (see the module comment). */
export interface FamilyParameters {
  /** Share of the non-matching candidate pairs that are two children of one family. */
  readonly share: number;
  /** P(no aligned name part differs | one family): brothers and sisters are given their own names. */
  readonly allPartsAgree: number;
  /** P(level | one family) where it differs from strangers' u; a level not listed is as likely as among strangers. */
  readonly fields: { readonly [F in Field]?: Readonly<Record<string, number>> };
}

export interface ModelParameters {
  /** Bumped whenever the parameters change; stored with every training run. */
  readonly version: string;
  /** log2 odds that a pair from each candidate source is a match, before any evidence, among `priorRecords` records. */
  readonly priors: Readonly<Record<CandidateSource, number>>;
  /**
   * Records in the data the priors were estimated on. Among n records the odds of any one pair
   * are priorRecords / n times theirs (a store twice the size holds twice the strangers for each
   * child); a chosen pair's prior does not move.
   */
  readonly priorRecords: number;
  /** m and u of each field's levels: each sums to 1 over the field's levels. */
  readonly fields: { readonly [F in Field]: Readonly<Record<string, Probabilities>> };
  readonly family: FamilyParameters;
  /** Floor for a name token's term frequency, so one odd token cannot dominate. */
  readonly minTokenFrequency: number;
}

export type MatchGrade = 'CERTAIN' | 'PROBABLE' | 'POSSIBLE' | 'CERTAINLY_NOT';

/** What `MatchModel.weigh` finds of a pair: a `Score` without its contributions and reasons. */
export type Weighed = Pick<Score, 'weight' | 'probability' | 'grade'>;

/** Grade thresholds on the match probability (configuration, not tuned per data set). */
export interface GradeThresholds {
  readonly certain: number;
  readonly probable: number;
  readonly possible: number;
}

export interface Contribution {
  /** A field, the prior, or `family`: the evidence that the pair are brothers, sisters or twins rather than one child. */
  readonly field: Field | 'prior' | 'family';
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

/** Name part levels that say only that two names look alike, or differ: brothers' and sisters' given names do. */
const LOOK_ALIKE: ReadonlySet<TokenLevel> = new Set(['ALIKE', 'JW_MID', 'INITIAL', 'DIFFERENT']);

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

  /**
   * A name part pair's weight; an exact, equivalent or variant agreement on a common token weighs
   * less, and an equivalence the corpus attests rarely keeps less of its m (`supportShare`).
   */
  tokenWeight(level: TokenLevel, a: PreparedToken, b: PreparedToken, freq?: Frequencies, parts = 1): number {
    const m = this.level('name', level).m * (level === 'EQUIVALENT' ? supportShare(support(a, b)) : 1);
    return this.partWeight(level, a.text, m, parts, freq);
  }

  /**
   * log2(p / u) for a name part pair at `level`, where p is its probability for a match or for one
   * family: a part written alike (or a variant) is as telling as its token is rare among strangers.
   * A part that agrees was looked for among all `parts` of the other name (the alignment is
   * order-free), so among strangers it agrees `parts` times as often as one comparison would.
   */
  private partWeight(level: TokenLevel, text: string, p: number, parts: number, freq?: Frequencies): number {
    const tries = level === 'DIFFERENT' ? 1 : parts;
    if ((level === 'EXACT' || level === 'EQUIVALENT' || level === 'VARIANT') && freq?.tokenFrequency) {
      const f = freq.tokenFrequency(text);
      if (f !== undefined) return log2(p / Math.min(1, Math.max(f, this.parameters.minTokenFrequency) * tries));
    }
    return log2(p / Math.min(1, this.level('name', level).u * tries));
  }

  /**
   * log2 P(names | one family) / P(names | strangers). A family shares one name, its family name,
   * and not its given names: the strongest agreeing part counts at its family probability, any
   * other part that agrees as among strangers (a coincidence), each part that differs or only
   * looks alike at its own, and names with no such part at `allPartsAgree`. Telling a family name from a given
   * name takes names of two parts or more on both sides: a name of one part tells nothing here.
   */
  private familyNames(names: AlignmentBuffer, freq?: Frequencies): number {
    const { count, levels, parts } = names;
    if (count < 2) return 0;
    const f = this.parameters.family;
    let agreeing = 0;
    for (let k = 0; k < count; k++) if (!LOOK_ALIKE.has(levels[k]!)) agreeing++;
    let ratio = agreeing === count ? log2(f.allPartsAgree) : 0;
    const own = (k: number) => this.partWeight(levels[k]!, names.a[k]!.text, f.fields.name?.[levels[k]!] ?? this.level('name', levels[k]!).u, parts, freq);
    for (let k = 0; k < count; k++) if (LOOK_ALIKE.has(levels[k]!)) ratio += own(k);
    if (agreeing) {
      let best = -Infinity;
      for (let k = 0; k < count; k++) if (!LOOK_ALIKE.has(levels[k]!)) best = Math.max(best, own(k));
      ratio += best;
    }
    return ratio;
  }

  /** `source`: what made the pair (its prior). */
  score(a: PreparedRecord, b: PreparedRecord, freq?: Frequencies, source: CandidateSource = 'pair'): Score {
    const contributions: Contribution[] = [];
    const { weight, probability, grade, nameLevels } = this.evaluate(a, b, freq, source, contributions);
    return { weight, probability, grade, contributions, reasons: reasonsOf(contributions), nameLevels };
  }

  /**
   * The pair's weight, probability and grade without the contributions and reasons (`score` has
   * them, to the bit the same numbers): what batch linkage asks of every candidate pair, most of
   * which it then drops.
   */
  weigh(a: PreparedRecord, b: PreparedRecord, freq?: Frequencies, source: CandidateSource = 'pair'): Weighed {
    const { weight, probability, grade } = this.evaluate(a, b, freq, source, null);
    return { weight, probability, grade };
  }

  /**
   * The weight as the sum of the contributions in their order (prior, name, the fields, family),
   * added up as they are found; each is pushed to `contributions`, with its reason, when that is
   * given (and the reasons are worded only then).
   */
  private evaluate(a: PreparedRecord, b: PreparedRecord, freq: Frequencies | undefined, source: CandidateSource, contributions: Contribution[] | null): Weighed & { nameLevels: TokenLevel[] } {
    const scale = source !== 'pair' && freq?.records ? log2(this.parameters.priorRecords / Math.max(freq.records, 2)) : 0;
    const prior = this.parameters.priors[source] + scale;
    let weight = 0;
    weight += prior;
    contributions?.push({ field: 'prior', level: 'PRIOR', weight: prior, reason: `prior odds of a ${source === 'pair' ? 'chosen' : source} pair` });
    const family = this.parameters.family;
    // log2 P(x | one family) / P(x | strangers), field by field.
    let familyRatio = 0;
    const add = (field: Field, level: string | null | undefined, reason: ((level: string) => string) | false) => {
      if (!level) return;
      const p = this.level(field, level);
      const w = weightOf(p);
      weight += w;
      if (reason) contributions?.push({ field, level, weight: w, reason: reason(level) });
      familyRatio += log2((family.fields[field]?.[level] ?? p.u) / p.u);
    };
    // The reasons' wording only when explaining (`explain &&`: no function made a pair otherwise).
    const explain = contributions !== null;

    const names = alignNamesInto(a, b, (level, x, y, parts) => this.tokenWeight(level, x, y, freq, parts));
    let nameLevels: TokenLevel[] = [];
    let matches: TokenMatch[] = [];
    if (names && names.count) {
      // Names with no part in common disagree as a whole, however few parts one of them has: a
      // one-word name ("Ryan") that agrees with no part of "Adam Guymer" is as different as two
      // two-part names.
      let disagree = true;
      for (let k = 0; k < names.count; k++) if (names.levels[k] !== 'DIFFERENT') disagree = false;
      let longest = -Infinity;
      for (const n of a.names) longest = Math.max(longest, n.length);
      for (const n of b.names) longest = Math.max(longest, n.length);
      const parts = Math.min(NAMES_DIFFER_PARTS, longest);
      const nameWeight = disagree ? Math.min(names.weight, parts * weightOf(this.level('name', 'DIFFERENT'))) : names.weight;
      weight += nameWeight;
      if (contributions) {
        matches = names.matches();
        nameLevels = names.levels.slice(0, names.count);
        contributions.push({ field: 'name', level: strongest(matches), weight: nameWeight, reason: nameReason(matches) });
      }
      familyRatio += this.familyNames(names, freq);
    }

    const dob = compareDobs(a, b);
    add('dob', dob?.level, explain && ((level) => dobReason(level, dob?.placeholder ?? false)));
    add('sex', compareAgree(a.source.sex, b.source.sex), explain && ((l) => (l === 'AGREE' ? 'same sex' : 'different sex recorded')));
    add('nationality', compareAgree(a.source.nationality, b.source.nationality), explain && ((l) => (l === 'AGREE' ? 'same nationality' : 'different nationality recorded')));
    const ids = compareIdentifiers(a, b, freq);
    add('identifiers', ids?.level, explain && ((l) => identifierReason(l, ids?.what ?? '')));
    const bio = compareBiometrics(a, b, freq);
    add('biometrics', bio?.level, explain && ((l) => biometricReason(l, bio?.what ?? '', a, b)));
    const contact = compareContacts(a, b, freq);
    add('contacts', contact?.level, explain && ((l) => ({ EQUAL: `same ${contact!.what}`, SHARED: `same ${contact!.what}, but many identities share it`, DIFFERENT: 'no phone or contact in common' })[l] ?? l));
    const address = compareAddress(a, b);
    add('address', address, explain && ((l) => ({ EXACT: 'same address', HIGH: 'addresses nearly the same', PARTIAL: 'addresses partly alike', DIFFERENT: 'different addresses' })[l] ?? l));
    // The postcode is part of the address: it counts where there is no address to compare, and
    // otherwise only when it agrees where the addresses do not (a different postcode at a
    // different address tells nothing more).
    const postcode = comparePostcode(a, b);
    if (!address || (address !== 'EXACT' && address !== 'HIGH' && postcode !== 'DIFFERENT')) add('postcode', postcode, explain && ((l) => ({ EXACT: 'same postcode', NEAR: 'postcodes differ by one character', DIFFERENT: 'different postcodes' })[l] ?? l));

    const kin = -log2(1 - family.share + family.share * 2 ** familyRatio);
    if (kin !== 0) {
      weight += kin;
      if (contributions) {
        const level = familyLevel(kin, matches, dob?.level);
        contributions.push({ field: 'family', level, weight: kin, reason: FAMILY_REASONS[level] });
      }
    }
    const probability = 1 / (1 + 2 ** -weight);
    return { weight, probability, grade: gradeOf(probability, this.thresholds), nameLevels };
  }
}

type FamilyLevel = 'TWINS' | 'SIBLINGS' | 'FAMILY' | 'NONE';

const FAMILY_REASONS: Record<FamilyLevel, string> = {
  TWINS: 'twins: same date, different given names',
  SIBLINGS: 'siblings: a name in common, different given names, born years apart',
  FAMILY: 'could be brothers or sisters',
  NONE: 'nothing suggests brothers or sisters',
};

/** Against a match by at least this many bits, the family evidence is named in the reasons. */
const FAMILY_NAMED_BELOW = -1;

function familyLevel(weight: number, names: readonly TokenMatch[], dob: DobLevel | undefined): FamilyLevel {
  if (weight > FAMILY_NAMED_BELOW) return 'NONE';
  const partly = names.some((m) => !LOOK_ALIKE.has(m.level)) && names.some((m) => LOOK_ALIKE.has(m.level));
  if (partly && dob === 'EXACT') return 'TWINS';
  if (partly && (dob === 'FAR' || dob === 'DIFFERENT')) return 'SIBLINGS';
  return 'FAMILY';
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
  const list = (level: TokenLevel) => of(level).map(words).join(', ');
  if (of('EQUIVALENT').length) kinds.push(`names are recorded spellings of one name (${list('EQUIVALENT')})`);
  if (of('VARIANT').length) kinds.push(`names are transliteration variants (${list('VARIANT')})`);
  if (of('SIMILAR').length) kinds.push(`names are close transliterations (${list('SIMILAR')})`);
  if (of('SCRIPT').length) kinds.push(`names are one name in two scripts (${list('SCRIPT')})`);
  if (of('JW_HIGH').length || of('JW_MID').length) kinds.push(`names spelled similarly (${[...of('JW_HIGH'), ...of('JW_MID')].map(words).join(', ')})`);
  if (of('ALIKE').length) kinds.push(`names look alike (${list('ALIKE')})`);
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
    case 'VERIFIED_DIFFERENT': return `different ${scheme} (both check characters valid)`;
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
