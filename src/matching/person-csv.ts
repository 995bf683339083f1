/**
 * The person-record CSV of the evaluation interface:
 * `record_id,full_name,given_name,family_name,dob,sex,nationality,phone,fingerprint_ref,identifiers,address,postcode`
 * (every column but `record_id` may be empty; `identifiers` is `scheme:value;scheme:value`), and
 * the pairs file of `harbour match compare` (`pair_id` and the same columns prefixed `a_`, `b_`).
 */
import { canonicalIdentifier, canonicalPhone } from '../../connectors/kit/identifiers';
import type { MatchRecord } from './record';

export const PERSON_COLUMNS = ['record_id', 'full_name', 'given_name', 'family_name', 'dob', 'sex', 'nationality', 'phone', 'fingerprint_ref', 'identifiers', 'address', 'postcode'] as const;

export class PersonCsvError extends Error {}

/** A person-record row (by column name, optionally prefixed) as a match record; throws PersonCsvError naming the column. */
export function personRecord(row: Record<string, string | undefined>, prefix = '', id = row[`${prefix}record_id`]): MatchRecord {
  const get = (column: string) => (row[`${prefix}${column}`] ?? '').trim();
  if (!id) throw new PersonCsvError(`${prefix}record_id is empty`);
  const names: string[] = [];
  const full = get('full_name');
  const given = get('given_name');
  const family = get('family_name');
  if (full) names.push(full);
  if (given || family) names.push(`${given} ${family}`.trim());
  const dob = get('dob');
  if (dob && !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(dob)) throw new PersonCsvError(`${prefix}dob: expected YYYY-MM-DD, YYYY-MM or YYYY, received "${dob}"`);
  const sex = get('sex').toUpperCase();
  if (sex && !['M', 'F', 'U'].includes(sex)) throw new PersonCsvError(`${prefix}sex: expected M, F or U, received "${sex}"`);
  const identifiers = get('identifiers')
    .split(';')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const colon = pair.indexOf(':');
      if (colon <= 0) throw new PersonCsvError(`${prefix}identifiers: expected scheme:value, received "${pair}"`);
      const id = canonicalIdentifier(pair.slice(0, colon).trim().toUpperCase().replace(/[\s-]+/g, '_'), pair.slice(colon + 1));
      return id ? { scheme: id.scheme, value: id.canonical, verified: id.check === 'VALID' } : undefined;
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
    contacts: phone ? [canonicalPhone(phone) ?? phone.replace(/\D+/g, '')] : [],
    address: get('address') || null,
    postcode: get('postcode') || null,
  };
}
