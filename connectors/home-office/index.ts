/**
 * `home-office`: harbour's JSON Lines for Home Office encounters, status and NRM (feeds.md §4).
 * `person` → a source identity with its facts, travel documents (MRZ lines parsed with the `mrz`
 * package, ICAO 9303 check digits verified: a document number that verifies becomes a PASSPORT or
 * TRAVEL_DOCUMENT identifier, one that does not is kept unverified) and the age-dispute status;
 * `encounter`, `status` (one per person) and `nrm` (with reasonable and conclusive grounds).
 */
import { parse as parseMrz } from 'mrz';
import { FieldError, type PurgeRecord, type Warning } from '../kit/contract';
import { date, dateTime, objects, oneOf, optBool, optDate, optObject, optOneOf, optStr, str, strings } from '../kit/fields';
import type { CanonicalIdentifier } from '../kit/identifiers';
import { jsonlConnector, notPurged } from '../kit/jsonl-connector';
import { personFacts, purgeOf, type PersonFacts } from '../kit/person';

export const ASYLUM_STATUSES = ['PENDING', 'REFUGEE', 'HUMANITARIAN_PROTECTION', 'UASC_LEAVE', 'REFUSED', 'APPEAL'] as const;
export const NRM_OUTCOMES = ['POSITIVE', 'NEGATIVE', 'PENDING'] as const;
export const AGE_DISPUTE_STATUSES = ['NOT_DISPUTED', 'DISPUTED', 'ASSESSED_CHILD', 'ASSESSED_ADULT'] as const;

export interface AgeDispute { claimedDob: string | null; status: (typeof AGE_DISPUTE_STATUSES)[number]; assessedAt: string | null; mertonCompliant: boolean | null }

export type HomeOfficeRecord =
  | { type: 'person'; key: string; facts: PersonFacts; ageDispute: AgeDispute | null }
  | { type: 'encounter'; key: string; personRef: string; at: string; kind: string; location: string | null; unaccompanied: boolean | null; referredToLa: string | null; borderFlagSet: boolean | null }
  | { type: 'status'; key: string; personRef: string; claimedAt: string | null; status: (typeof ASYLUM_STATUSES)[number]; decidedAt: string | null; leaveExpiresAt: string | null }
  | {
      type: 'nrm'; key: string; personRef: string; referredAt: string; firstResponder: string | null; competentAuthority: string | null; exploitationTypes: string[];
      reasonableGrounds: (typeof NRM_OUTCOMES)[number] | null; reasonableGroundsAt: string | null; conclusiveGrounds: (typeof NRM_OUTCOMES)[number] | null; conclusiveGroundsAt: string | null;
    };

/** A travel document's identifier from its MRZ lines, or a warning saying why there is none. */
function documentIdentifier(lines: string[], at: string, warnings: Warning[]): CanonicalIdentifier | undefined {
  let result: ReturnType<typeof parseMrz>;
  try {
    result = parseMrz(lines.map((l) => l.trim().toUpperCase()));
  } catch (error) {
    warnings.push({ field: at, code: 'BAD_IDENTIFIER', message: `MRZ not readable (${(error as Error).message.split('.')[0]}); no document identifier kept` });
    return undefined;
  }
  const number = result.fields.documentNumber;
  if (!number) {
    warnings.push({ field: at, code: 'BAD_IDENTIFIER', message: 'MRZ has no document number; no document identifier kept' });
    return undefined;
  }
  const scheme = result.fields.documentCode?.startsWith('P') ? 'PASSPORT' : 'TRAVEL_DOCUMENT';
  const numberValid = result.details.find((d) => d.field === 'documentNumberCheckDigit')?.valid ?? false;
  const raw = lines.join('\n');
  if (!numberValid) {
    warnings.push({ field: at, code: 'BAD_IDENTIFIER', message: `${scheme} number check digit does not verify; kept unverified` });
    return { scheme, raw, canonical: number, check: 'INVALID', warning: 'check digit does not verify' };
  }
  return { scheme, raw, canonical: number, check: 'VALID' };
}

function outcome(o: Record<string, unknown>, field: 'rg' | 'cg'): [(typeof NRM_OUTCOMES)[number] | null, string | null] {
  const decision = optObject(o, field);
  if (!decision) return [null, null];
  return [optOneOf(decision, 'outcome', NRM_OUTCOMES, `${field}.outcome`), optDate(decision, 'at', `${field}.at`)];
}

export const homeOffice = jsonlConnector<HomeOfficeRecord | PurgeRecord>('home-office', {
  person: (o, warnings) => {
    const purge = purgeOf(o);
    if (purge) return purge;
    const facts = personFacts(o, warnings);
    objects(o, 'documents').forEach((d, i) => {
      const id = documentIdentifier(strings(d, 'mrz'), `documents[${i}].mrz`, warnings);
      if (id) facts.identifiers.push(id);
    });
    const dispute = optObject(o, 'age_dispute');
    const ageDispute = dispute && {
      claimedDob: optDate(dispute, 'claimed_dob', 'age_dispute.claimed_dob'),
      status: oneOf(dispute, 'status', AGE_DISPUTE_STATUSES, 'age_dispute.status'),
      assessedAt: optDate(dispute, 'assessed_at', 'age_dispute.assessed_at'),
      mertonCompliant: optBool(dispute, 'merton_compliant', 'age_dispute.merton_compliant'),
    };
    return { type: 'person', key: str(o, 'person_ref'), facts, ageDispute };
  },
  encounter: (o) => notPurged(o, 'encounter') ?? ({
    type: 'encounter', key: str(o, 'encounter_ref'), personRef: str(o, 'person_ref'), at: dateTime(o, 'at'), kind: str(o, 'kind').toUpperCase(),
    location: optStr(o, 'location'), unaccompanied: optBool(o, 'unaccompanied'), referredToLa: optStr(o, 'referred_to_la'), borderFlagSet: optBool(o, 'border_flag_set'),
  }),
  status: (o) => {
    notPurged(o, 'status');
    const claimedAt = optDate(o, 'asylum_claimed_at');
    const decidedAt = optDate(o, 'decided_at');
    if (claimedAt && decidedAt && decidedAt < claimedAt) throw new FieldError('decided_at', 'DATES_OUT_OF_ORDER', `decided (${decidedAt}) before claimed (${claimedAt})`);
    const personRef = str(o, 'person_ref');
    return { type: 'status', key: personRef, personRef, claimedAt, status: oneOf(o, 'status', ASYLUM_STATUSES), decidedAt, leaveExpiresAt: optDate(o, 'leave_expires_at') };
  },
  nrm: (o) => {
    notPurged(o, 'nrm');
    const referredAt = date(o, 'referred_at');
    const [reasonableGrounds, reasonableGroundsAt] = outcome(o, 'rg');
    const [conclusiveGrounds, conclusiveGroundsAt] = outcome(o, 'cg');
    if (reasonableGroundsAt && reasonableGroundsAt < referredAt) throw new FieldError('rg.at', 'DATES_OUT_OF_ORDER', `reasonable grounds decided (${reasonableGroundsAt}) before the referral (${referredAt})`);
    return {
      type: 'nrm', key: str(o, 'nrm_ref'), personRef: str(o, 'person_ref'), referredAt, firstResponder: optStr(o, 'first_responder'), competentAuthority: optStr(o, 'competent_authority'),
      exploitationTypes: strings(o, 'exploitation_types').map((t) => t.toUpperCase()), reasonableGrounds, reasonableGroundsAt, conclusiveGrounds, conclusiveGroundsAt,
    };
  },
});
