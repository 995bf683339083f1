/**
 * The person-record CSV of the evaluation interface:
 * `record_id,full_name,given_name,family_name,dob,sex,nationality,phone,fingerprint_ref,identifiers,address,postcode`
 * (every column but `record_id` may be empty; `identifiers` is `scheme:value;scheme:value`), and
 * the pairs file of `harbour match compare` (`pair_id` and the same columns prefixed `a_`, `b_`).
 */
import { canonicalIdentifier, canonicalPhone } from '../../connectors/kit/identifiers';
import type { MatchRecord } from '../matching';

export const PERSON_COLUMNS = ['record_id', 'full_name', 'given_name', 'family_name', 'dob', 'sex', 'nationality', 'phone', 'fingerprint_ref', 'identifiers', 'address', 'postcode'] as const;

export class PersonCsvError extends Error {}

/**
 * An identifier as the matcher holds it: canonical, verified only when its check character is;
 * undefined for a value that says "no identifier" (UPN UN1–UN7). Scheme names are upper-cased
 * with spaces and hyphens as underscores ("pnc id" → PNC_ID).
 */
export function matchIdentifier(scheme: string, value: string): { scheme: string; value: string; verified: boolean } | undefined {
  const id = canonicalIdentifier(scheme.trim().toUpperCase().replace(/[\s-]+/g, '_'), value);
  return id ? { scheme: id.scheme, value: id.canonical, verified: id.check === 'VALID' } : undefined;
}

/** A phone as the store holds it (connectors/kit `contactPoint`): E.164, or as given when not a possible number. */
export function matchPhone(raw: string): string {
  return canonicalPhone(raw) ?? raw.trim();
}

/**
 * A person-record row (by column name, optionally prefixed) as a match record. A value that
 * cannot be read (a date that is not a date, an unknown sex code, an identifier without a scheme)
 * is left out of the record and reported in `problems`, naming the column but never repeating the
 * value (it is personal data, and the message reaches a terminal or a log): the rest of the row
 * still counts. A row without an id throws PersonCsvError.
 */
export function personRecord(row: Record<string, string | undefined>, prefix = '', id = row[`${prefix}record_id`], problems: string[] = []): MatchRecord {
  const get = (column: string) => (row[`${prefix}${column}`] ?? '').trim();
  if (!id) throw new PersonCsvError(`${prefix}record_id is empty`);
  const problem = (message: string) => {
    problems.push(message);
    return '';
  };
  const names: string[] = [];
  const full = get('full_name');
  const given = get('given_name');
  const family = get('family_name');
  if (full) names.push(full);
  if (given || family) names.push(`${given} ${family}`.trim());
  let dob = get('dob');
  if (dob && !validDate(dob)) dob = problem(`${prefix}dob: expected a date as YYYY-MM-DD, YYYY-MM or YYYY`);
  let sex = get('sex').toUpperCase();
  if (sex && !['M', 'F', 'U'].includes(sex)) sex = problem(`${prefix}sex: expected M, F or U`);
  const identifiers = get('identifiers')
    .split(';')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const colon = pair.indexOf(':');
      if (colon <= 0 || colon === pair.length - 1) return void problem(`${prefix}identifiers: expected scheme:value`);
      return matchIdentifier(pair.slice(0, colon), pair.slice(colon + 1));
    })
    .filter((x): x is { scheme: string; value: string; verified: boolean } => x !== undefined);
  const phone = get('phone');
  const fingerprint = get('fingerprint_ref').replace(/\s+/g, '').toUpperCase();
  return {
    id,
    names,
    dobs: dob ? [{ value: dob }] : [],
    sex: sex === 'M' || sex === 'F' ? sex : null,
    nationality: get('nationality').toUpperCase() || null,
    identifiers,
    biometrics: fingerprint ? [{ repository: 'FINGERPRINT', reference: fingerprint, modality: 'FINGERPRINT' }] : [],
    contacts: phone ? [matchPhone(phone)] : [],
    address: get('address') || null,
    postcode: get('postcode') || null,
  };
}

function validDate(value: string): boolean {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value);
  if (!m) return false;
  const month = m[2] ? Number(m[2]) : 1;
  const day = m[3] ? Number(m[3]) : 1;
  const date = new Date(Date.UTC(Number(m[1]), month - 1, day));
  return month >= 1 && month <= 12 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
