import DataLoader from 'dataloader';
import type { Db } from '../../db';
import { listLoader, perRequestLoaders, PERSON_OF_SOURCE } from '../shared';
import { CareRecord, Consent, MissingEpisode, Placement, type ConsentGiver, type MissingKind, type RiskLevel } from './care.types';

interface PlacementRow {
  person_id: string; id: string; agency: string; placement_type: string | null;
  started_on: string; ended_on: string | null; postcode: string | null; last_seen: Date;
}
interface MissingRow {
  person_id: string; id: string; agency: string; kind: MissingKind; started_at: Date; ended_at: Date | null;
  risk_level: RiskLevel | null; last_seen_location: string | null; found_location: string | null; last_seen: Date;
}

export interface ConsentRow {
  person_id: string; id: string; agency: string; given_by: ConsentGiver; categories: string[]; recipients: string[];
  purpose: string | null; given_at: Date; expires_at: Date | null; withdrawn_at: Date | null; active: boolean;
}

export const CONSENT_COLUMNS = `t.id, t.agency, t.given_by, t.categories, t.recipients, t.purpose, t.given_at, t.expires_at, t.withdrawn_at,
  (t.withdrawn_at is null and t.given_at <= now() and (t.expires_at is null or t.expires_at > now())) as active`;

export function consentOf(r: ConsentRow): Consent {
  return Object.assign(new Consent(), {
    id: r.id, agency: r.agency, givenBy: r.given_by, categories: r.categories, recipients: r.recipients, purpose: r.purpose,
    givenAt: r.given_at, expiresAt: r.expires_at, withdrawnAt: r.withdrawn_at, active: r.active, personId: r.person_id, ownerAgency: r.agency,
  });
}

function createLoaders(db: Db) {
  const placements = listLoader<PlacementRow, Placement>(
    db,
    `select si.person_id, t.id, t.agency, t.placement_type, to_char(t.started_on, 'YYYY-MM-DD') as started_on,
            to_char(t.ended_on, 'YYYY-MM-DD') as ended_on, t.postcode, t.last_seen
       from care.placement t ${PERSON_OF_SOURCE}
      where t.retracted_at is null order by t.started_on, t.id`,
    'person_id',
    (r) => Object.assign(new Placement(), {
      id: r.id, agency: r.agency, personId: r.person_id, ownerAgency: r.agency, placementTypeValue: r.placement_type,
      startedOnValue: r.started_on, endedOnValue: r.ended_on, postcodeValue: r.postcode,
    }),
  );
  const missingEpisodes = listLoader<MissingRow, MissingEpisode>(
    db,
    `select si.person_id, t.id, t.agency, t.kind, t.started_at, t.ended_at, t.risk_level,
            t.last_seen_location, t.found_location, t.last_seen
       from care.missing_episode t ${PERSON_OF_SOURCE}
      where t.retracted_at is null order by t.started_at, t.id`,
    'person_id',
    (r) => Object.assign(new MissingEpisode(), {
      id: r.id, agency: r.agency, kind: r.kind, startedAt: r.started_at, endedAt: r.ended_at, open: r.ended_at === null,
      riskLevel: r.risk_level, personId: r.person_id, ownerAgency: r.agency,
      lastSeenLocationValue: r.last_seen_location, foundLocationValue: r.found_location,
    }),
  );
  const consents = listLoader<ConsentRow, Consent>(
    db,
    `select si.person_id, ${CONSENT_COLUMNS} from care.consent t ${PERSON_OF_SOURCE} where t.retracted_at is null order by t.given_at, t.id`,
    'person_id',
    consentOf,
  );
  return {
    /** The care record of a person, or null when no LA has supplied one. */
    record: new DataLoader<string, CareRecord | null>(async (personIds) => {
      const [p, m, c] = await Promise.all([placements.loadMany(personIds), missingEpisodes.loadMany(personIds), consents.loadMany(personIds)]);
      return personIds.map((personId, i) => {
        const placementItems = p[i] as Placement[];
        const missingItems = m[i] as MissingEpisode[];
        const consentItems = c[i] as Consent[];
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
