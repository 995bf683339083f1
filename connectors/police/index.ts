/**
 * `police`: harbour's JSON Lines for police missing-person and custody records (feeds.md §3).
 * `person` → a source identity with its facts; `missing_report` → a report with its risk
 * re-grading history; `custody` → a custody record. A found time before the last-seen time, or a
 * re-grading before the report, is out of order and rejected.
 */
import { FieldError, type PurgeRecord } from '../kit/contract';
import { dateTime, objects, oneOf, optBool, optDateTime, optStr, str } from '../kit/fields';
import { jsonlConnector, notPurged } from '../kit/jsonl-connector';
import { personFacts, purgeOf, type PersonFacts } from '../kit/person';

export const RISK_LEVELS = ['NO_APPARENT_RISK', 'LOW', 'MEDIUM', 'HIGH'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export type PoliceRecord =
  | { type: 'person'; key: string; facts: PersonFacts; updatedAt: string | null }
  | {
      type: 'missing_report'; key: string; personRef: string; reportedAt: string; lastSeenAt: string | null; lastSeenLocation: string | null;
      missingFromLa: string | null; risk: { level: RiskLevel; gradedAt: string }[]; ukmpuNotifiedAt: string | null;
      foundAt: string | null; foundLocation: string | null; foundBy: string | null; updatedAt: string | null;
    }
  | { type: 'custody'; key: string; personRef: string; arrestedAt: string; location: string | null; offence: string | null; fingerprintsTaken: boolean; updatedAt: string | null };

export const police = jsonlConnector<PoliceRecord | PurgeRecord>('police', {
  person: (o, warnings) => purgeOf(o) ?? { type: 'person', key: str(o, 'person_ref'), facts: personFacts(o, warnings), updatedAt: optDateTime(o, 'updated_at') },
  missing_report: (o) => {
    notPurged(o, 'missing_report');
    const reportedAt = dateTime(o, 'reported_at');
    const lastSeenAt = optDateTime(o, 'last_seen_at');
    const foundAt = optDateTime(o, 'found_at');
    if (foundAt && lastSeenAt && foundAt < lastSeenAt) throw new FieldError('found_at', 'DATES_OUT_OF_ORDER', `found (${foundAt}) before last seen (${lastSeenAt})`);
    const risk = objects(o, 'risk').map((r, i) => ({ level: oneOf(r, 'level', RISK_LEVELS, `risk[${i}].level`), gradedAt: dateTime(r, 'graded_at', `risk[${i}].graded_at`) }));
    return {
      type: 'missing_report', key: str(o, 'report_ref'), personRef: str(o, 'person_ref'), reportedAt, lastSeenAt,
      lastSeenLocation: optStr(o, 'last_seen_location'), missingFromLa: optStr(o, 'missing_from_la'), risk: risk.sort((a, b) => a.gradedAt.localeCompare(b.gradedAt)),
      ukmpuNotifiedAt: optDateTime(o, 'ukmpu_notified_at'), foundAt, foundLocation: optStr(o, 'found_location'), foundBy: optStr(o, 'found_by'), updatedAt: optDateTime(o, 'updated_at'),
    };
  },
  custody: (o) => notPurged(o, 'custody') ?? ({
    type: 'custody', key: str(o, 'custody_ref'), personRef: str(o, 'person_ref'), arrestedAt: dateTime(o, 'arrested_at'), location: optStr(o, 'location'),
    offence: optStr(o, 'offence'), fingerprintsTaken: optBool(o, 'fingerprints_taken') ?? false, updatedAt: optDateTime(o, 'updated_at'),
  }),
});
