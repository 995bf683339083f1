/**
 * Blocking keys: what a record is filed under so that candidate generation in PostgreSQL can find
 * it. One flat list of prefixed strings per record:
 *
 * - `t:` a name token (and its bare form), `k:` its coarse sound key (`soundKey`, derived from the
 *   learned name distance's table), `e:` each group of the equivalence corpus it is a spelling in
 *   ("Yusuf" and "Jusuf" share one) — the name passes;
 * - `y:` a birth year (and the neighbouring years when the date is imprecise), `d:` a full date
 *   of birth — the DOB passes; `ty:` and `ky:` a name token or its sound key with a birth year;
 * - `x:` an exact identifier, biometric reference or contact — the exact pass (and, for batch
 *   linkage, `n:` an identifier with one character deleted);
 * - `pc:` a postcode, `a:` a house number and street.
 *
 * Sound keys of one letter are left out (`soundKey`): they would file half the store under one key.
 */
import type { MatchRecord, PreparedRecord, PreparedToken } from './record';

/**
 * The exact values of a record, one string each (`id:SCHEME:VALUE`, `bio:REPOSITORY:REFERENCE`,
 * `contact:VALUE`): the exact pass files them (as `x:` keys) and the frequencies that demote a
 * shared value count them.
 */
export const valueKey = {
  identifier: (scheme: string, value: string) => `id:${scheme}:${value}`,
  biometric: (repository: string, reference: string) => `bio:${repository}:${reference}`,
  contact: (value: string) => `contact:${value}`,
};

export function valueKeys(r: MatchRecord): string[] {
  return [
    ...(r.identifiers ?? []).map((id) => valueKey.identifier(id.scheme, id.value)),
    ...(r.biometrics ?? []).map((b) => valueKey.biometric(b.repository, b.reference)),
    ...(r.contacts ?? []).map(valueKey.contact),
  ];
}

/**
 * Bumped whenever `blockingKeys` files records differently: a store keyed by an older version
 * must be re-keyed (`harbour match rekey`) for search and dedupe to find what the new keys find.
 */
export const KEYS_VERSION = 7;

export interface KeyOptions {
  /**
   * Also file each identifier of six or more characters under its one-character deletions
   * (`n:`), so that a one-character typo in a reference number still makes a pair. Batch
   * linkage only: in the store it would multiply the keys of every identity.
   */
  readonly nearIdentifiers?: boolean;
}

/** The birth years a record is filed under: each date's year, and the neighbouring years when the date or an age range is imprecise. */
export function birthYears(r: PreparedRecord): Set<number> {
  const years = new Set<number>();
  for (const d of r.dobs) {
    years.add(d.year);
    if (d.precision !== 'DAY') {
      years.add(d.year - 1);
      years.add(d.year + 1);
    }
  }
  const range = r.source.ageRange;
  if (range) {
    const year = new Date(range.asOf ?? Date.now()).getUTCFullYear();
    for (let y = year - range.max - 1; y <= year - range.min && y - (year - range.max - 1) < 30; y++) years.add(y);
  }
  return years;
}

/**
 * The keys of one name token (none for a token of one letter): `t:`, `k:`, `e:`, and with each
 * birth year `ty:` and `ky:` — a name part with a year is selective where either alone is common
 * ("Mohammed", 2009).
 */
export function tokenKeys(t: PreparedToken, years: ReadonlySet<number>): string[] {
  if (t.text.length < 2) return [];
  const keys: string[] = [];
  for (const f of t.forms) keys.push(`t:${f}`);
  for (const k of t.soundKeys) keys.push(`k:${k}`);
  for (const g of t.groups) keys.push(`e:${g}`);
  for (const y of years) {
    for (const f of t.forms) keys.push(`ty:${f}|${y}`);
    for (const k of t.soundKeys) keys.push(`ky:${k}|${y}`);
  }
  return keys;
}

export function blockingKeys(r: PreparedRecord, options: KeyOptions = {}): string[] {
  const keys = new Set<string>();
  const years = birthYears(r);
  for (const name of r.names) for (const t of name) for (const k of tokenKeys(t, years)) keys.add(k);
  for (const k of otherKeys(r, years, options)) keys.add(k);
  return [...keys];
}

/** A record's keys other than its name tokens': birth years and dates, exact values, postcode and street. */
export function otherKeys(r: PreparedRecord, years: ReadonlySet<number> = birthYears(r), options: KeyOptions = {}): Set<string> {
  const keys = new Set<string>();
  for (const y of years) keys.add(`y:${y}`);
  for (const d of r.dobs) if (d.precision === 'DAY') keys.add(`d:${d.digits}`);
  for (const v of valueKeys(r.source)) keys.add(`x:${v}`);
  if (options.nearIdentifiers) {
    for (const id of r.source.identifiers ?? []) {
      if (id.value.length < 6) continue;
      for (let i = 0; i < id.value.length; i++) keys.add(`n:${id.scheme}:${id.value.slice(0, i)}${id.value.slice(i + 1)}`);
    }
  }
  if (r.postcode) keys.add(`pc:${r.postcode}`);
  // House number and street: people at one address (FEBRL's households, a placement) meet here.
  if (r.address.length >= 2 && /^\d/.test(r.address[0]!)) keys.add(`a:${r.address[0]} ${r.address[1]}`);
  return keys;
}
