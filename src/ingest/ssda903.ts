/** Applying SSDA903 records: children to source identities, episodes to placements, missing periods, UASC. */
import { ssda903, type Ssda903Record } from '../../connectors/ssda903';
import type { Db } from '../db';
import { ensureSourceIdentity, type FeedApplier } from './feed';

const FEED = 'ssda903';

const TABLES: Record<Exclude<Ssda903Record['type'], 'child'>, string> = {
  episode: 'care.placement',
  missing: 'care.missing_episode',
  uasc: 'care.uasc_status',
};

async function applyOne(db: Db, agency: string, r: Ssda903Record): Promise<void> {
  const identity = await ensureSourceIdentity(db, agency, FEED, r.child);
  switch (r.type) {
    case 'child':
      await db.query('update identity.source_identity set sex = $2 where id = $1', [identity, r.sex]);
      // This feed's facts about the child are replaced whole: the row is the current truth.
      await db.query('delete from identity.birth_date where source_identity_id = $1', [identity]);
      await db.query(`insert into identity.birth_date (source_identity_id, value, precision, basis) values ($1, $2, 'DAY', 'CLAIMED')`, [identity, r.dob]);
      await db.query(`delete from identity.identifier where source_identity_id = $1 and scheme in ('UPN', 'LA_CHILD_ID')`, [identity]);
      await db.query(`insert into identity.identifier (source_identity_id, scheme, raw, canonical, check_status) values ($1, 'LA_CHILD_ID', $2, $2, 'NOT_CHECKABLE')`, [identity, r.child]);
      if (r.upn) {
        await db.query('insert into identity.identifier (source_identity_id, scheme, raw, canonical, check_status) values ($1, $2, $3, $4, $5)', [identity, 'UPN', r.upn.raw, r.upn.canonical, r.upn.check]);
      }
      return;
    case 'episode':
      await db.query(
        `insert into care.placement (source_identity_id, agency, local_key, placement_type, legal_status, started_on, ended_on, postcode, home_postcode, urn, reason_for_change, placement_provider)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         on conflict (agency, local_key) do update set source_identity_id = excluded.source_identity_id, placement_type = excluded.placement_type,
           legal_status = excluded.legal_status, started_on = excluded.started_on, ended_on = excluded.ended_on, postcode = excluded.postcode,
           home_postcode = excluded.home_postcode, urn = excluded.urn, reason_for_change = excluded.reason_for_change,
           placement_provider = excluded.placement_provider, last_seen = now(), retracted_at = null`,
        [identity, agency, r.key, r.place, r.ls, r.decom, r.dec, r.plPost, r.homePost, r.urn, r.reasonPlaceChange, r.placeProvider],
      );
      return;
    case 'missing':
      await db.query(
        `insert into care.missing_episode (source_identity_id, agency, local_key, kind, started_at, ended_at)
         values ($1, $2, $3, $4, $5::date, $6::date)
         on conflict (agency, local_key) do update set source_identity_id = excluded.source_identity_id, kind = excluded.kind,
           started_at = excluded.started_at, ended_at = excluded.ended_at, last_seen = now(), retracted_at = null`,
        [identity, agency, r.key, r.kind, r.start, r.end],
      );
      return;
    case 'uasc':
      await db.query(
        `insert into care.uasc_status (source_identity_id, agency, local_key, ceased_on) values ($1, $2, $3, $4)
         on conflict (agency, local_key) do update set source_identity_id = excluded.source_identity_id, ceased_on = excluded.ceased_on,
           last_seen = now(), retracted_at = null`,
        [identity, agency, r.key, r.ceased],
      );
      return;
  }
}

export const ssda903Feed: FeedApplier<Ssda903Record> = {
  feed: FEED,
  connector: ssda903,
  kindOf: (r) => r.type,
  keyOf: (r) => r.key,
  async apply(db, agency, records) {
    for (const r of records) await applyOne(db, agency, r);
  },
  async retract(db, agency, kind, keys) {
    if (kind === 'child') {
      await db.query('update identity.source_identity set retracted_at = now() where agency = $1 and feed = $2 and local_id = any($3::text[])', [agency, FEED, keys]);
      return;
    }
    const table = TABLES[kind as keyof typeof TABLES];
    if (!table) throw new Error(`ssda903: no table for kind ${kind}`);
    await db.query(`update ${table} set retracted_at = now() where agency = $1 and local_key = any($2::text[])`, [agency, keys]);
  },
};
