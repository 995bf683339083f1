/**
 * Identifier canonicalisation and check characters (feeds.md, "Identifiers").
 *
 * Nothing is thrown away: a value whose check character fails, or that does not even have the
 * scheme's shape, is kept as INVALID (unverified: shown, never used for an automatic link) with a
 * warning saying why. Only the UPN "unknown" codes UN1–UN7 are not identifiers at all.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';

export type CheckStatus = 'VALID' | 'INVALID' | 'NOT_CHECKABLE';

export interface CanonicalIdentifier {
  scheme: string;
  raw: string;
  canonical: string;
  check: CheckStatus;
  /** Why the value is INVALID, in words a data officer can act on. */
  warning?: string;
}

/** PNC and CRO check letters: index of the number mod 23. */
const PNC_ALPHABET = 'ZABCDEFGHJKLMNPQRTUVWXY';
/** UPN check letters (DfE): remainder mod 23 indexes this list. */
const UPN_ALPHABET = 'ABCDEFGHJKLMNPQRTUVWXYZ';

const compact = (raw: string) => raw.trim().toUpperCase().replace(/\s+/g, '');

/** Two-digit year to four: YY ≤ this year's YY → 20YY, else 19YY. */
export function expandYear(yy: string, now: Date = new Date()): string {
  const current = now.getUTCFullYear() % 100;
  return Number(yy) <= current ? `20${yy}` : `19${yy}`;
}

function invalid(scheme: string, raw: string, canonical: string, warning: string): CanonicalIdentifier {
  return { scheme, raw, canonical, check: 'INVALID', warning };
}

/** `2019/0123456E` or short `19/123456E`; check = alphabet[int(YY + serial padded to 7) mod 23]. */
export function canonicalPnc(raw: string, now?: Date): CanonicalIdentifier {
  const value = compact(raw);
  const m = /^(\d{2}|\d{4})\/(\d{1,7})([A-Z])$/.exec(value);
  if (!m) return invalid('PNC_ID', raw, value, `expected YYYY/NNNNNNNC, received "${raw.trim()}"`);
  const year = m[1]!.length === 2 ? expandYear(m[1]!, now) : m[1]!;
  const serial = m[2]!.padStart(7, '0');
  const canonical = `${year}/${serial}${m[3]}`;
  const expected = PNC_ALPHABET[Number(`${year.slice(2)}${serial}`) % 23];
  return expected === m[3] ? { scheme: 'PNC_ID', raw, canonical, check: 'VALID' } : invalid('PNC_ID', raw, canonical, `check letter ${m[3]} should be ${expected}`);
}

/** `012345/19R`, or Scottish `SF19/12345R` (serial not padded); check = alphabet[int(YY + serial padded to 6) mod 23]. */
export function canonicalCro(raw: string): CanonicalIdentifier {
  const value = compact(raw);
  const scottish = /^SF(\d{2})\/(\d{1,6})([A-Z])$/.exec(value);
  const english = /^(\d{1,6})\/(\d{2})([A-Z])$/.exec(value);
  let yy: string, serial: string, letter: string, canonical: string;
  if (scottish) {
    [yy, serial, letter] = [scottish[1]!, scottish[2]!, scottish[3]!];
    canonical = `SF${yy}/${String(Number(serial))}${letter}`;
  } else if (english) {
    [serial, yy, letter] = [english[1]!.padStart(6, '0'), english[2]!, english[3]!];
    canonical = `${serial}/${yy}${letter}`;
  } else {
    return invalid('CRO', raw, value, `expected NNNNNN/YYC or SFYY/NNNNNNC, received "${raw.trim()}"`);
  }
  const expected = PNC_ALPHABET[Number(`${yy}${serial.padStart(6, '0')}`) % 23];
  return expected === letter ? { scheme: 'CRO', raw, canonical, check: 'VALID' } : invalid('CRO', raw, canonical, `check letter ${letter} should be ${expected}`);
}

/** 10 digits, mod 11 with weights 10..2; a remainder giving 10 is never valid. */
export function canonicalNhs(raw: string): CanonicalIdentifier {
  const value = raw.replace(/[\s-]/g, '');
  if (!/^\d{10}$/.test(value)) return invalid('NHS_NUMBER', raw, value, `expected 10 digits, received "${raw.trim()}"`);
  const sum = [...value.slice(0, 9)].reduce((s, d, i) => s + Number(d) * (10 - i), 0);
  const check = 11 - (sum % 11);
  const expected = check === 11 ? 0 : check;
  return expected !== 10 && expected === Number(value[9])
    ? { scheme: 'NHS_NUMBER', raw, canonical: value, check: 'VALID' }
    : invalid('NHS_NUMBER', raw, value, expected === 10 ? 'no NHS number can have these first nine digits' : `check digit ${value[9]} should be ${expected}`);
}

/** The UPN "unknown" codes: a statement that there is no UPN, not an identifier. */
export const UPN_UNKNOWN = /^UN[1-7]$/;

/**
 * 13 characters; the first is the check letter: weights 2..13 on characters 2–13, sum mod 23
 * indexes A…Z without I, O, S. Character 13 may be a letter (temporary UPN): its value is its
 * index in the same alphabet. Returns undefined for UN1–UN7.
 */
export function canonicalUpn(raw: string): CanonicalIdentifier | undefined {
  const value = compact(raw);
  if (UPN_UNKNOWN.test(value)) return undefined;
  if (!/^[A-Z]\d{11}[0-9A-Z]$/.test(value)) return invalid('UPN', raw, value, `expected a letter, 11 digits and a digit or letter, received "${raw.trim()}"`);
  let sum = 0;
  for (let i = 1; i < 13; i++) {
    const c = value[i]!;
    sum += (/\d/.test(c) ? Number(c) : UPN_ALPHABET.indexOf(c)) * (i + 1);
  }
  const expected = UPN_ALPHABET[sum % 23];
  return expected === value[0] ? { scheme: 'UPN', raw, canonical: value, check: 'VALID' } : invalid('UPN', raw, value, `check letter ${value[0]} should be ${expected}`);
}

/** ICAO 9303 check digit of an MRZ field: weights 7-3-1, A–Z = 10–35, `<` = 0. */
export function mrzCheckDigit(field: string): number {
  let sum = 0;
  for (let i = 0; i < field.length; i++) {
    const c = field[i]!;
    const v = c === '<' ? 0 : /\d/.test(c) ? Number(c) : c.charCodeAt(0) - 55;
    sum += v * [7, 3, 1][i % 3]!;
  }
  return sum % 10;
}

/** Schemes with no known check: trimmed and upper-cased (CID person ids zero-padded to 9). */
export const OPAQUE_SCHEMES = new Set(['HO_REF', 'CID_PERSON_ID', 'UAN', 'GWF', 'PORT_REF', 'NCA_REF', 'NRM_REF', 'FORCE_REF', 'LA_CHILD_ID', 'YOT_NUMBER', 'NATIONAL_INSURANCE', 'CASE_NUMBER']);

export function canonicalOpaque(scheme: string, raw: string): CanonicalIdentifier {
  let canonical = compact(raw);
  if (scheme === 'CID_PERSON_ID' && /^\d{1,9}$/.test(canonical)) canonical = canonical.padStart(9, '0');
  return { scheme, raw, canonical, check: 'NOT_CHECKABLE' };
}

/** Any scheme; undefined only for a value that says "no identifier" (UPN UN1–UN7). */
export function canonicalIdentifier(scheme: string, raw: string, now?: Date): CanonicalIdentifier | undefined {
  switch (scheme) {
    case 'PNC_ID':
      return canonicalPnc(raw, now);
    case 'CRO':
      return canonicalCro(raw);
    case 'NHS_NUMBER':
      return canonicalNhs(raw);
    case 'UPN':
      return canonicalUpn(raw);
    default:
      return canonicalOpaque(scheme, raw);
  }
}

/** A phone in E.164 (UK by default); undefined when it is not a possible phone number. */
export function canonicalPhone(raw: string, defaultCountry: 'GB' = 'GB'): string | undefined {
  const parsed = parsePhoneNumberFromString(raw, defaultCountry);
  return parsed?.isPossible() ? parsed.number : undefined;
}

/** `platform:lower-case handle`, without a leading @ or a profile URL. */
export function canonicalHandle(platform: string, raw: string): string {
  const handle = raw.trim().replace(/^https?:\/\/(www\.)?[^/]+\//i, '').replace(/^@/, '').replace(/\/+$/, '').toLowerCase();
  return `${platform.trim().toLowerCase()}:${handle}`;
}
