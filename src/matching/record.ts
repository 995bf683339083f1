/**
 * What the matcher knows of one record (a source identity, a search example or a row of a
 * person-record CSV), and its prepared form: every key the comparators need, computed once.
 */
import { nameTokens, foldText } from './normalise';
import { soundKey } from './edit-costs';
import { equivalenceGroups, equivalenceKey } from './equivalences';

export type Precision = 'DAY' | 'MONTH' | 'YEAR';

export interface MatchDob {
  /** `YYYY-MM-DD`, `YYYY-MM` or `YYYY`. */
  readonly value: string;
  /** What the source says is known; defaults to what the value holds. */
  readonly precision?: Precision;
}

export interface MatchRecord {
  readonly id: string;
  /** Each name as one string ("Given Family", "FAMILY, Given" or a full name in any script). */
  readonly names: readonly string[];
  readonly dobs?: readonly MatchDob[];
  /** A search example's age range instead of a date of birth, in whole years on `asOf`. */
  readonly ageRange?: { readonly min: number; readonly max: number; readonly asOf?: string };
  readonly sex?: 'M' | 'F' | null;
  /** ISO 3166 alpha-3. */
  readonly nationality?: string | null;
  readonly identifiers?: readonly { readonly scheme: string; readonly value: string; readonly verified: boolean }[];
  readonly biometrics?: readonly { readonly repository: string; readonly reference: string; readonly modality?: string }[];
  /** Canonical phones, handles (`platform:handle`), e-mails, travel-card numbers. */
  readonly contacts?: readonly string[];
  readonly address?: string | null;
  readonly postcode?: string | null;
}

export interface PreparedToken {
  /** A serial number of its own (each prepared token object has one): what the comparators' cache of token pairs is keyed by. */
  readonly id: number;
  readonly text: string;
  readonly forms: readonly string[];
  /** Written in a script without short vowels (Arabic, Hebrew): compared with Latin by the script table of the name distance. */
  readonly abjad: boolean;
  /** The coarse sound key of each form (`soundKey`), where it has one: what blocking files it under. */
  readonly soundKeys: readonly string[];
  /** Each form's key in the equivalence corpus (`equivalenceKey`). */
  readonly equivalenceKeys: readonly string[];
  /** The corpus groups any form belongs to (`equivalenceGroups`). */
  readonly groups: readonly number[];
}

export interface PreparedDob {
  readonly year: number;
  readonly month: number | null;
  readonly day: number | null;
  /**
   * After placeholders: 1 January counts only as YEAR (domain.md: authorities record 1 January of a
   * guessed year). The 15th was treated so too, which threw away the day and month of one real date
   * in 28 and cost 0.8 points of recall on the generated population at no gain in precision.
   */
  readonly precision: Precision;
  readonly placeholder: boolean;
  readonly digits: string;
}

export interface PreparedRecord {
  readonly source: MatchRecord;
  readonly names: readonly (readonly PreparedToken[])[];
  readonly dobs: readonly PreparedDob[];
  readonly address: readonly string[];
  readonly postcode: string | null;
}

const ABJAD = /[\u0590-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]/;

/**
 * Prepared tokens by text: names repeat (a search reranks hundreds of records with a few dozen
 * distinct tokens), and preparing one (transliteration, keys, corpus look-ups) costs more than
 * comparing it. Bounded: the cache is dropped whole when full.
 */
const preparedTokens = new Map<string, PreparedToken>();
const MAX_CACHED_TOKENS = 100_000;

export function prepareToken(text: string, forms: readonly string[], abjad = false): PreparedToken {
  const key = `${abjad ? '1' : '0'}${forms.join(' ')}`;
  let token = preparedTokens.get(key);
  if (!token) {
    if (preparedTokens.size >= MAX_CACHED_TOKENS) preparedTokens.clear();
    token = computeToken(text, forms, abjad);
    preparedTokens.set(key, token);
  }
  return token;
}

/** The last token id given (`PreparedToken.id`); ids start at 1. */
let lastTokenId = 0;

function computeToken(text: string, forms: readonly string[], abjad: boolean): PreparedToken {
  const equivalenceKeys = forms.map((f) => equivalenceKey(f, abjad));
  // Ids stay below 2^31 (the comparators' cache holds them in 32-bit integers); wrapping after two
  // billion tokens, a token could only share its id with one prepared that long before.
  lastTokenId = lastTokenId >= 0x7fffffff ? 1 : lastTokenId + 1;
  return {
    id: lastTokenId,
    abjad,
    text,
    forms,
    soundKeys: [...new Set(forms.map(soundKey).filter((k): k is string => k !== null))],
    equivalenceKeys,
    groups: [...new Set(equivalenceKeys.flatMap(equivalenceGroups))],
  };
}

const DOB = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

export function prepareDob(dob: MatchDob): PreparedDob | null {
  const m = DOB.exec(dob.value.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const month = m[2] ? Number(m[2]) : null;
  const day = m[3] ? Number(m[3]) : null;
  const stated: Precision = dob.precision ?? (day !== null ? 'DAY' : month !== null ? 'MONTH' : 'YEAR');
  const placeholder = day !== null && day === 1 && month === 1;
  const precision: Precision = placeholder ? 'YEAR' : stated === 'DAY' && day === null ? (month === null ? 'YEAR' : 'MONTH') : stated;
  return { year, month: precision === 'YEAR' ? null : month, day: precision === 'DAY' ? day : null, precision, placeholder, digits: m[1]! + (m[2] ?? '') + (m[3] ?? '') };
}

export function prepare(record: MatchRecord): PreparedRecord {
  const names = record.names.map((n) => nameTokens(n).map((t) => prepareToken(t.text, t.forms, ABJAD.test(n)))).filter((tokens) => tokens.length > 0);
  const dobs = (record.dobs ?? []).map(prepareDob).filter((d): d is PreparedDob => d !== null);
  const address = record.address ? foldAddress(record.address) : [];
  const postcode = record.postcode ? record.postcode.replace(/\s+/g, '').toUpperCase() || null : null;
  return { source: record, names, dobs, address, postcode };
}

/** Address tokens, folded, with common street words abbreviated one way. */
export function foldAddress(address: string): string[] {
  return foldText(address)
    .split(' ')
    .filter(Boolean)
    .map((t) => STREET_WORDS[t] ?? t);
}

const STREET_WORDS: Record<string, string> = {
  street: 'st', road: 'rd', avenue: 'ave', av: 'ave', drive: 'dr', lane: 'ln', court: 'ct', place: 'pl',
  crescent: 'cres', circuit: 'cct', close: 'cl', terrace: 'tce', square: 'sq', highway: 'hwy', parade: 'pde',
};
