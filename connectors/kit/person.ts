/**
 * The `person` record shared by harbour's own feeds (police, Home Office): names, date of birth
 * with precision, sex, nationality, identifiers (canonicalised, check characters verified),
 * biometric references and contact points. A record with no usable name is rejected; a bad
 * identifier is kept unverified with a warning.
 */
import { FieldError, type PurgeRecord, type Warning } from './contract';
import { date, objects, oneOf, optBool, optOneOf, optStr, str } from './fields';
import { canonicalHandle, canonicalIdentifier, canonicalPhone, type CanonicalIdentifier } from './identifiers';

export const NAME_KINDS = ['LEGAL', 'ASSERTED', 'ALTERNATE', 'NICKNAME', 'WEAK'] as const;
export const PRECISIONS = ['DAY', 'MONTH', 'YEAR'] as const;
export const SEXES: Record<string, 'MALE' | 'FEMALE' | 'OTHER' | 'UNKNOWN'> = { M: 'MALE', F: 'FEMALE', X: 'OTHER', U: 'UNKNOWN' };
const MODALITIES = ['FINGERPRINT', 'PHOTO', 'DNA', 'IRIS'] as const;
export const CONTACT_KINDS = ['PHONE', 'SOCIAL_MEDIA', 'EMAIL', 'TRAVEL_CARD', 'DEVICE'] as const;

export interface PersonName { kind: (typeof NAME_KINDS)[number]; given: string | null; family: string | null; full: string | null; script: string | null }
export interface ContactPoint { kind: (typeof CONTACT_KINDS)[number]; platform: string | null; value: string; canonical: string }

export interface PersonFacts {
  names: PersonName[];
  dob: { value: string; precision: (typeof PRECISIONS)[number] } | null;
  sex: 'MALE' | 'FEMALE' | 'OTHER' | 'UNKNOWN' | null;
  nationality: string | null;
  identifiers: CanonicalIdentifier[];
  biometrics: { modality: (typeof MODALITIES)[number]; repository: string; reference: string }[];
  contacts: ContactPoint[];
}

type Obj = Record<string, unknown>;

export function personFacts(o: Obj, warnings: Warning[]): PersonFacts {
  const names = objects(o, 'names').map((n, i): PersonName => ({
    kind: oneOf(n, 'kind', NAME_KINDS, `names[${i}].kind`),
    given: optStr(n, 'given', `names[${i}].given`),
    family: optStr(n, 'family', `names[${i}].family`),
    full: optStr(n, 'full', `names[${i}].full`),
    script: optStr(n, 'script', `names[${i}].script`),
  }));
  if (!names.some((n) => n.given || n.family || n.full)) throw new FieldError('names', 'MISSING_VALUE', 'a person needs at least one name');
  const dob = o.dob === undefined || o.dob === null ? null : { value: date(o, 'dob'), precision: optOneOf(o, 'dob_precision', PRECISIONS) ?? 'DAY' };
  const sexCode = optStr(o, 'sex');
  if (sexCode !== null && !(sexCode in SEXES)) throw new FieldError('sex', 'UNKNOWN_CODE', `expected M, F, X or U, received "${sexCode}"`);
  const nationality = optStr(o, 'nationality');
  if (nationality !== null && !/^[A-Z]{3}$/.test(nationality)) throw new FieldError('nationality', 'UNKNOWN_CODE', `expected an ISO 3166 alpha-3 code, received "${nationality}"`);
  const identifiers = objects(o, 'identifiers')
    .map((x, i) => checkedIdentifier(str(x, 'scheme', `identifiers[${i}].scheme`).toUpperCase(), str(x, 'value', `identifiers[${i}].value`), `identifiers[${i}].value`, warnings))
    .filter((id): id is CanonicalIdentifier => id !== undefined);
  const biometrics = objects(o, 'biometrics').map((b, i) => ({
    modality: oneOf(b, 'modality', MODALITIES, `biometrics[${i}].modality`),
    repository: str(b, 'repository', `biometrics[${i}].repository`).toUpperCase(),
    reference: str(b, 'reference', `biometrics[${i}].reference`).toUpperCase(),
  }));
  const contacts = objects(o, 'contacts').map((c, i) =>
    contactPoint(oneOf(c, 'kind', CONTACT_KINDS, `contacts[${i}].kind`), optStr(c, 'platform', `contacts[${i}].platform`), str(c, 'value', `contacts[${i}].value`), `contacts[${i}].value`, warnings),
  );
  return { names, dob, sex: sexCode === null ? null : SEXES[sexCode]!, nationality, identifiers, biometrics, contacts };
}

/** An identifier canonicalised, with a warning when its check fails (kept, unverified); undefined for "no identifier" codes. */
export function checkedIdentifier(scheme: string, value: string, field: string, warnings: Warning[]): CanonicalIdentifier | undefined {
  const id = canonicalIdentifier(scheme, value);
  if (id?.warning) warnings.push({ field, code: 'BAD_IDENTIFIER', message: `${id.scheme}: ${id.warning}; kept unverified` });
  return id;
}

/** A contact point with its canonical form: E.164 phones, platform:handle, lower-case e-mail, compact upper-case otherwise. */
export function contactPoint(kind: ContactPoint['kind'], platform: string | null, value: string, field: string, warnings: Warning[]): ContactPoint {
  let canonical: string;
  if (kind === 'PHONE') {
    const phone = canonicalPhone(value);
    if (!phone) warnings.push({ field, code: 'BAD_IDENTIFIER', message: 'not a possible phone number; kept as given' });
    canonical = phone ?? value.trim();
  } else if (kind === 'SOCIAL_MEDIA' && platform) canonical = canonicalHandle(platform, value);
  else if (kind === 'EMAIL') canonical = value.trim().toLowerCase();
  else canonical = value.replace(/\s+/g, '').toUpperCase();
  return { kind, platform, value, canonical };
}

/**
 * A person record with `"purge": true` (the DfE CSC API payload's flag): a deletion of the record
 * `person_ref` names, with no other value needed. Undefined when the record is not purged.
 */
export function purgeOf(o: Obj): PurgeRecord | undefined {
  return optBool(o, 'purge') === true ? { type: 'purge', key: str(o, 'person_ref') } : undefined;
}
