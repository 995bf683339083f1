/**
 * The `person` record shared by harbour's own feeds (police, Home Office): names, date of birth
 * with precision, sex, nationality, identifiers (canonicalised, check characters verified),
 * biometric references and contact points. A record with no usable name is rejected; a bad
 * identifier is kept unverified with a warning.
 */
import { FieldError, type Warning } from './contract';
import { date, objects, oneOf, optOneOf, optStr, str } from './fields';
import { canonicalHandle, canonicalIdentifier, canonicalPhone, type CanonicalIdentifier } from './identifiers';

export const NAME_KINDS = ['LEGAL', 'ASSERTED', 'ALTERNATE', 'NICKNAME', 'WEAK'] as const;
export const PRECISIONS = ['DAY', 'MONTH', 'YEAR'] as const;
export const SEXES: Record<string, 'MALE' | 'FEMALE' | 'OTHER' | 'UNKNOWN'> = { M: 'MALE', F: 'FEMALE', X: 'OTHER', U: 'UNKNOWN' };
const MODALITIES = ['FINGERPRINT', 'PHOTO', 'DNA', 'IRIS'] as const;
const CONTACT_KINDS = ['PHONE', 'SOCIAL_MEDIA', 'EMAIL', 'TRAVEL_CARD', 'DEVICE'] as const;

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
  const identifiers: CanonicalIdentifier[] = [];
  objects(o, 'identifiers').forEach((x, i) => {
    const id = canonicalIdentifier(str(x, 'scheme', `identifiers[${i}].scheme`).toUpperCase(), str(x, 'value', `identifiers[${i}].value`));
    if (!id) return;
    if (id.warning) warnings.push({ field: `identifiers[${i}].value`, code: 'BAD_IDENTIFIER', message: `${id.scheme}: ${id.warning}; kept unverified` });
    identifiers.push(id);
  });
  const biometrics = objects(o, 'biometrics').map((b, i) => ({
    modality: oneOf(b, 'modality', MODALITIES, `biometrics[${i}].modality`),
    repository: str(b, 'repository', `biometrics[${i}].repository`).toUpperCase(),
    reference: str(b, 'reference', `biometrics[${i}].reference`).toUpperCase(),
  }));
  const contacts: ContactPoint[] = [];
  objects(o, 'contacts').forEach((c, i) => {
    const kind = oneOf(c, 'kind', CONTACT_KINDS, `contacts[${i}].kind`);
    const value = str(c, 'value', `contacts[${i}].value`);
    const platform = optStr(c, 'platform', `contacts[${i}].platform`);
    let canonical = value.trim();
    if (kind === 'PHONE') {
      const phone = canonicalPhone(value);
      if (phone) canonical = phone;
      else warnings.push({ field: `contacts[${i}].value`, code: 'BAD_IDENTIFIER', message: 'not a possible phone number; kept as given' });
    } else if (kind === 'SOCIAL_MEDIA' && platform) canonical = canonicalHandle(platform, value);
    else if (kind === 'EMAIL') canonical = value.trim().toLowerCase();
    else canonical = value.replace(/\s+/g, '').toUpperCase();
    contacts.push({ kind, platform, value, canonical });
  });
  return { names, dob, sex: sexCode === null ? null : SEXES[sexCode]!, nationality, identifiers, biometrics, contacts };
}
