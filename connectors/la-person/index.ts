/**
 * `la-person`: LA person details as the DfE Standard Safeguarding Dataset extracts them
 * (feeds.md §2): person, linked identifiers, aliases, contacts, plan items, consent records.
 * Files are told apart by header; `pers_person_id` is the same id as SSDA903 `CHILD`.
 */
import { csvPurgeFlag, FieldError, type PurgeRecord } from '../kit/contract';
import { csvConnector } from '../kit/csv-connector';
import { parseIsoDateTime, parseIsoOrUkDate } from '../kit/dates';
import type { CanonicalIdentifier } from '../kit/identifiers';
import { checkedIdentifier, CONTACT_KINDS, contactPoint, NAME_KINDS, PRECISIONS, SEXES, type ContactPoint, type PersonName } from '../kit/person';

export const PLAN_ITEMS = [
  'ROLES_EXPLAINED', 'FREE_CARE_EXPLAINED', 'PHOTOGRAPH', 'FINGERPRINTS', 'PHYSICAL_DESCRIPTION', 'SOCIAL_MEDIA', 'PHONE', 'TRAVEL_CARD', 'FAMILY_CONTACTS',
  'OWNERSHIP_AGREEMENT', 'RISK_LEVEL', 'AGE_ASSESSMENT', 'UKVI_INFORMED', 'NCA_INFORMED', 'NRM_REFERRAL', 'DEBRIEF_PLAN', 'RETURN_SAFETY_PLAN',
] as const;
export const PLAN_STATUSES = ['DONE', 'NOT_DONE', 'DECLINED', 'NOT_APPLICABLE'] as const;
const CATEGORIES = ['IDENTITY', 'IDENTIFIERS', 'BIOMETRIC_REFS', 'CONTACT', 'MISSING', 'LOCATION', 'FAMILY', 'IMMIGRATION', 'EXPLOITATION', 'HEALTH', 'CARE_PLAN', 'CRIMINAL'];
const AGENCY_KINDS = ['CHILDRENS_SERVICES', 'POLICE', 'IMMIGRATION', 'NCA', 'HEALTH', 'EDUCATION'];

/** SSD identifier types → harbour schemes. */
export const SSD_SCHEMES: Record<string, string> = {
  'CASE NUMBER': 'CASE_NUMBER', UPN: 'UPN', 'NHS NUMBER': 'NHS_NUMBER', 'HOME OFFICE REGISTRATION': 'HO_REF', 'NATIONAL INSURANCE NUMBER': 'NATIONAL_INSURANCE',
  'YOT NUMBER': 'YOT_NUMBER', 'PNC ID': 'PNC_ID', 'CRO NUMBER': 'CRO', 'PORT REFERENCE': 'PORT_REF', 'UAN': 'UAN', 'CID PERSON ID': 'CID_PERSON_ID',
};

export type LaPersonRecord =
  | { type: 'person'; key: string; child: string; name: PersonName; dob: { value: string; precision: (typeof PRECISIONS)[number] } | null; sex: string | null; nationality: string | null; identifiers: CanonicalIdentifier[] }
  | { type: 'identifier'; key: string; child: string; identifier: CanonicalIdentifier; validFrom: string | null; validTo: string | null }
  | { type: 'alias'; key: string; child: string; name: PersonName }
  | { type: 'contact'; key: string; child: string; contact: ContactPoint; recordedAt: string | null; note: string | null }
  | { type: 'plan'; key: string; child: string; item: (typeof PLAN_ITEMS)[number]; status: (typeof PLAN_STATUSES)[number]; recordedAt: string | null; note: string | null }
  | { type: 'consent'; key: string; child: string; givenBy: 'CHILD' | 'PARENTAL_RESPONSIBILITY'; categories: string[]; recipients: string[]; purpose: string | null; givenAt: string; expiresAt: string | null; withdrawnAt: string | null };

type Row = Record<string, string>;
const need = (v: Row, c: string) => {
  if (!v[c]) throw new FieldError(c, 'MISSING_VALUE', 'a value is required');
  return v[c]!;
};
const opt = (v: Row, c: string) => v[c] || null;
function oneOf<T extends string>(v: Row, c: string, values: readonly T[]): T {
  const value = need(v, c).toUpperCase();
  if (!(values as readonly string[]).includes(value)) throw new FieldError(c, 'UNKNOWN_CODE', `expected one of ${values.join(', ')}, received "${v[c]}"`);
  return value as T;
}
/** A date (ISO or dd/mm/yyyy) or an ISO date-time (SSD extracts give either) → ISO date-time. */
function when(v: Row, c: string): string | null {
  const value = opt(v, c);
  if (value === null) return null;
  return value.includes('T') ? parseIsoDateTime(c, value) : `${parseIsoOrUkDate(c, value)}T00:00:00.000Z`;
}
function list(v: Row, c: string, allowed: string[]): string[] {
  const values = need(v, c).split(';').map((x) => x.trim().toUpperCase()).filter(Boolean);
  const unknown = values.find((x) => !allowed.includes(x));
  if (unknown) throw new FieldError(c, 'UNKNOWN_CODE', `unknown value "${unknown}" (expected ${allowed.join(', ')}, separated by ;)`);
  return values;
}

export const laPerson = csvConnector<LaPersonRecord | PurgeRecord>('la-person', [
  {
    name: 'person.csv', signature: 'pers_person_id', required: ['pers_person_id', 'pers_forename', 'pers_surname', 'pers_sex', 'pers_dob'],
    parse: (v, warnings) => {
      const child = need(v, 'pers_person_id');
      // The CSC API payload's purge flag: the record is deleted at source, and needs no other value.
      if (csvPurgeFlag(v.pers_purge, 'pers_purge')) return { type: 'purge', key: child };
      const sex = opt(v, 'pers_sex')?.toUpperCase() ?? null;
      if (sex !== null && !(sex in SEXES)) throw new FieldError('pers_sex', 'UNKNOWN_CODE', `expected M, F, X or U, received "${v.pers_sex}"`);
      const nationality = opt(v, 'pers_nationality')?.toUpperCase() ?? null;
      if (nationality !== null && !/^[A-Z]{3}$/.test(nationality)) throw new FieldError('pers_nationality', 'UNKNOWN_CODE', `expected an ISO 3166 alpha-3 code, received "${v.pers_nationality}"`);
      const given = opt(v, 'pers_forename');
      const family = opt(v, 'pers_surname');
      if (!given && !family) throw new FieldError('pers_forename', 'MISSING_VALUE', 'a person needs a forename or a surname');
      const dob = opt(v, 'pers_dob');
      const identifiers = [
        v.pers_upn ? checkedIdentifier('UPN', v.pers_upn, 'pers_upn', warnings) : undefined,
        v.pers_common_child_id ? checkedIdentifier('NHS_NUMBER', v.pers_common_child_id, 'pers_common_child_id', warnings) : undefined,
      ].filter((x): x is CanonicalIdentifier => x !== undefined);
      return {
        type: 'person', key: child, child, name: { kind: 'LEGAL', given, family, full: null, script: null },
        dob: dob ? { value: parseIsoOrUkDate('pers_dob', dob), precision: v.pers_dob_precision ? oneOf(v, 'pers_dob_precision', PRECISIONS) : 'DAY' } : null,
        sex: sex === null ? null : SEXES[sex]!, nationality, identifiers,
      };
    },
  },
  {
    name: 'linked_identifiers.csv', signature: 'link_identifier_type', required: ['link_person_id', 'link_identifier_type', 'link_identifier_value'],
    parse: (v, warnings) => {
      const child = need(v, 'link_person_id');
      const type = need(v, 'link_identifier_type');
      const scheme = SSD_SCHEMES[type.toUpperCase()] ?? type.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
      const id = checkedIdentifier(scheme, need(v, 'link_identifier_value'), 'link_identifier_value', warnings);
      if (!id) throw new FieldError('link_identifier_value', 'MISSING_VALUE', `"${v.link_identifier_value}" says there is no ${scheme}`);
      const validFrom = v.link_valid_from_date ? parseIsoOrUkDate('link_valid_from_date', v.link_valid_from_date) : null;
      const validTo = v.link_valid_to_date ? parseIsoOrUkDate('link_valid_to_date', v.link_valid_to_date) : null;
      if (validFrom && validTo && validTo < validFrom) throw new FieldError('link_valid_to_date', 'DATES_OUT_OF_ORDER', `valid to (${validTo}) before valid from (${validFrom})`);
      return { type: 'identifier', key: `${child}/${id.scheme}/${id.canonical}`, child, identifier: id, validFrom, validTo };
    },
  },
  {
    name: 'aliases.csv', signature: 'name_type', required: ['person_id', 'name_type'],
    parse: (v) => {
      const child = need(v, 'person_id');
      const name: PersonName = { kind: oneOf(v, 'name_type', NAME_KINDS), given: opt(v, 'forename'), family: opt(v, 'surname'), full: opt(v, 'full_name'), script: null };
      if (!name.given && !name.family && !name.full) throw new FieldError('full_name', 'MISSING_VALUE', 'an alias needs a forename, surname or full name');
      return { type: 'alias', key: `${child}/${name.kind}/${[name.given, name.family, name.full].join('|')}`, child, name };
    },
  },
  {
    name: 'contacts.csv', signature: 'kind', required: ['person_id', 'kind', 'value'],
    parse: (v, warnings) => {
      const child = need(v, 'person_id');
      const contact = contactPoint(oneOf(v, 'kind', CONTACT_KINDS), opt(v, 'platform'), need(v, 'value'), 'value', warnings);
      return { type: 'contact', key: `${child}/${contact.kind}/${contact.canonical}`, child, contact, recordedAt: when(v, 'recorded_at'), note: opt(v, 'note') };
    },
  },
  {
    name: 'plan.csv', signature: 'item', required: ['person_id', 'item', 'status'],
    parse: (v) => {
      const child = need(v, 'person_id');
      const item = oneOf(v, 'item', PLAN_ITEMS);
      return { type: 'plan', key: `${child}/${item}`, child, item, status: oneOf(v, 'status', PLAN_STATUSES), recordedAt: when(v, 'recorded_at'), note: opt(v, 'note') };
    },
  },
  {
    name: 'consent.csv', signature: 'consent_id', required: ['person_id', 'consent_id', 'given_by', 'categories', 'recipients', 'given_at'],
    parse: (v) => {
      const givenAt = when(v, 'given_at')!;
      const expiresAt = when(v, 'expires_at');
      const withdrawnAt = when(v, 'withdrawn_at');
      if (expiresAt && expiresAt <= givenAt) throw new FieldError('expires_at', 'DATES_OUT_OF_ORDER', `expires (${expiresAt}) before it was given (${givenAt})`);
      if (withdrawnAt && withdrawnAt < givenAt) throw new FieldError('withdrawn_at', 'DATES_OUT_OF_ORDER', `withdrawn (${withdrawnAt}) before it was given (${givenAt})`);
      return {
        type: 'consent', key: need(v, 'consent_id'), child: need(v, 'person_id'), givenBy: oneOf(v, 'given_by', ['CHILD', 'PARENTAL_RESPONSIBILITY'] as const),
        categories: list(v, 'categories', CATEGORIES), recipients: list(v, 'recipients', AGENCY_KINDS), purpose: opt(v, 'purpose'), givenAt, expiresAt, withdrawnAt,
      };
    },
  },
]);
