import DataLoader from 'dataloader';
import type { Db } from '../../db';
import type { ReviewOutcome, ReviewStatus } from '../enums';
import { perRequestLoaders, withDates, type JsonRow } from '../shared';
import { CareRecord, Consent, MissingEpisode, Placement, type ConsentGiver, type MissingKind, type RiskLevel } from './care.types';

interface PlacementRow {
  person_id: string; id: string; agency: string; placement_type: string | null;
  started_on: string; ended_on: string | null; postcode: string | null;
}
interface MissingRow {
  person_id: string; id: string; agency: string; kind: MissingKind; started_at: Date; ended_at: Date | null;
  risk_level: RiskLevel | null; last_seen_location: string | null; found_location: string | null;
}

export interface ConsentRow {
  person_id: string; id: string; agency: string; given_by: ConsentGiver; categories: string[]; recipients: string[];
  purpose: string | null; given_at: Date; expires_at: Date | null; withdrawn_at: Date | null; active: boolean;
  recorded_by: string; withdrawal_reason: string | null; review_status: ReviewStatus | null; review_outcome: ReviewOutcome | null;
  reviewed_by: string | null; review_note: string | null;
}

export const CONSENT_COLUMNS = `t.id, t.agency, t.given_by, t.categories, t.recipients, t.purpose, t.given_at, t.expires_at, t.withdrawn_at,
  t.recorded_by, t.withdrawal_reason, t.review_status, t.review_outcome, t.reviewed_by, t.review_note,
  (t.withdrawn_at is null and t.given_at <= now() and (t.expires_at is null or t.expires_at > now())) as active`;

export function consentOf(r: ConsentRow): Consent {
  return Object.assign(new Consent(), {
    id: r.id, agency: r.agency, givenBy: r.given_by, categories: r.categories, recipients: r.recipients, purpose: r.purpose,
    givenAt: r.given_at, expiresAt: r.expires_at, withdrawnAt: r.withdrawn_at, active: r.active, personId: r.person_id, ownerAgency: r.agency,
    recordedBy: r.recorded_by, withdrawalReason: r.withdrawal_reason, reviewStatus: r.review_status, reviewOutcome: r.review_outcome,
    reviewedBy: r.reviewed_by, reviewNote: r.review_note,
  });
}

function placementOf(r: PlacementRow): Placement {
  return Object.assign(new Placement(), {
    id: r.id, agency: r.agency, personId: r.person_id, ownerAgency: r.agency, placementTypeValue: r.placement_type,
    startedOnValue: r.started_on, endedOnValue: r.ended_on, postcodeValue: r.postcode,
  });
}

function missingOf(r: MissingRow): MissingEpisode {
  return Object.assign(new MissingEpisode(), {
    id: r.id, agency: r.agency, kind: r.kind, startedAt: r.started_at, endedAt: r.ended_at, open: r.ended_at === null,
    riskLevel: r.risk_level, personId: r.person_id, ownerAgency: r.agency,
    lastSeenLocationValue: r.last_seen_location, foundLocationValue: r.found_location,
  });
}

/** One care table's current rows of person `p.person_id`, as a JSON array (null when none). */
function rowsOfPerson(table: string, columns: string, order: string): string {
  return `(select json_agg(x order by ${order}) from (
            select si.person_id, ${columns}
              from ${table} t join identity.source_identity si on si.id = t.source_identity_id
             where si.person_id = p.person_id and t.retracted_at is null) x)`;
}

const CARE_RECORD_SQL = `select p.person_id,
    ${rowsOfPerson('care.placement', `t.id, t.agency, t.placement_type, to_char(t.started_on, 'YYYY-MM-DD') as started_on, to_char(t.ended_on, 'YYYY-MM-DD') as ended_on, t.postcode`, 'x.started_on, x.id')} as placements,
    ${rowsOfPerson('care.missing_episode', 't.id, t.agency, t.kind, t.started_at, t.ended_at, t.risk_level, t.last_seen_location, t.found_location', 'x.started_at, x.id')} as missing,
    ${rowsOfPerson('care.consent', CONSENT_COLUMNS, 'x.given_at, x.id')} as consents
  from unnest($1::uuid[]) as p(person_id)`;

function createLoaders(db: Db) {
  return {
    /**
     * The care record of a person, or null when no LA has supplied one: placements, missing
     * episodes and consents in one statement (one round trip, one connection).
     */
    record: new DataLoader<string, CareRecord | null>(async (personIds) => {
      const rows = await db.query<{ person_id: string; placements: PlacementRow[] | null; missing: JsonRow<MissingRow>[] | null; consents: JsonRow<ConsentRow>[] | null }>(CARE_RECORD_SQL, [personIds]);
      const byPerson = new Map(rows.map((r) => [r.person_id, r]));
      return personIds.map((personId) => {
        const row = byPerson.get(personId);
        const placementItems = (row?.placements ?? []).map(placementOf);
        const missingItems = (row?.missing ?? []).map((r) => missingOf(withDates<MissingRow>(r, ['started_at', 'ended_at'])));
        const consentItems = (row?.consents ?? []).map((r) => consentOf(withDates<ConsentRow>(r, ['given_at', 'expires_at', 'withdrawn_at'])));
        if (placementItems.length === 0 && missingItems.length === 0 && consentItems.length === 0) return null;
        const latest = [...placementItems.map((x) => [x.startedOnValue, x.agency]), ...missingItems.map((x) => [x.startedAt.toISOString(), x.agency]), ...consentItems.map((x) => [x.givenAt.toISOString(), x.agency])]
          .sort((a, b) => (a[0]! < b[0]! ? -1 : 1))
          .at(-1)!;
        return Object.assign(new CareRecord(), { personId, agency: latest[1]!, placementItems, missingItems, consentItems });
      });
    }),
  };
}

export const careLoaders = perRequestLoaders(createLoaders);
