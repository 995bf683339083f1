/** Applying SSDA903 records: children to source identities, episodes to placements, missing periods, UASC. */
import { ssda903, type Ssda903Record } from '../../connectors/ssda903';
import type { Db } from '../db';
import { ensureSourceIdentities, ofType, purgeRows, upsert, retractRows, retractSourceIdentities, type FeedApplier } from './feed';

const FEED = 'ssda903';

const TABLES: Record<Exclude<Ssda903Record['type'], 'child'>, string> = {
  episode: 'care.placement',
  missing: 'care.missing_episode',
  uasc: 'care.uasc_status',
};

type Of<T extends Ssda903Record['type']> = Extract<Ssda903Record, { type: T }>;

/** A batch in set-based statements: one per table, whatever the batch size. */
async function applyBatch(db: Db, agency: string, records: readonly Ssda903Record[], firstLoad: boolean): Promise<void> {
  const children = ofType(records, 'child');
  const identity = await ensureSourceIdentities(db, agency, FEED, records.map((r) => r.child), firstLoad, new Map(children.map((c) => [c.child, { sex: c.sex }])));
  const si = (r: Ssda903Record) => identity.get(r.child)!;

  if (children.length) {
    const ids = children.map(si);
    // This feed's facts about the child are replaced whole: the row is the current truth.
    await db.query('delete from identity.birth_date where source_identity_id = any($1::uuid[])', [ids]);
    await db.query(
      `insert into identity.birth_date (source_identity_id, value, precision, basis) select id, d, 'DAY', 'CLAIMED' from unnest($1::uuid[], $2::date[]) as t(id, d)`,
      [ids, children.map((c) => c.dob)],
    );
    await db.query(`delete from identity.identifier where source_identity_id = any($1::uuid[]) and scheme in ('UPN', 'LA_CHILD_ID')`, [ids]);
    const idents = children.flatMap((c) => [
      [si(c), 'LA_CHILD_ID', c.child, c.child, 'NOT_CHECKABLE'],
      ...(c.upn ? [[si(c), 'UPN', c.upn.raw, c.upn.canonical, c.upn.check]] : []),
    ]);
    await db.query(
      `insert into identity.identifier (source_identity_id, scheme, raw, canonical, check_status) select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])`,
      [0, 1, 2, 3, 4].map((i) => idents.map((row) => row[i])),
    );
  }

  const episodes = ofType(records, 'episode');
  if (episodes.length) {
    const columns: ((r: Of<'episode'>) => unknown)[] = [si, (r) => r.key, (r) => r.place, (r) => r.ls, (r) => r.decom, (r) => r.dec, (r) => r.plPost, (r) => r.homePost, (r) => r.urn, (r) => r.reasonPlaceChange, (r) => r.placeProvider];
    await db.query(
      upsert(
      `insert into care.placement (source_identity_id, agency, local_key, placement_type, legal_status, started_on, ended_on, postcode, home_postcode, urn, reason_for_change, placement_provider)
       select s, $1, k, pt, ls, so, eo, pc, hp, u, rc, pp
         from unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::date[], $7::date[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[]) as t(s, k, pt, ls, so, eo, pc, hp, u, rc, pp)
       on conflict (agency, local_key) do update set source_identity_id = excluded.source_identity_id, placement_type = excluded.placement_type,
         legal_status = excluded.legal_status, started_on = excluded.started_on, ended_on = excluded.ended_on, postcode = excluded.postcode,
         home_postcode = excluded.home_postcode, urn = excluded.urn, reason_for_change = excluded.reason_for_change,
         placement_provider = excluded.placement_provider, last_seen = now(), retracted_at = null`, firstLoad),
      [agency, ...columns.map((c) => episodes.map(c))],
    );
  }

  const missing = ofType(records, 'missing');
  if (missing.length) {
    await db.query(
      upsert(
      `insert into care.missing_episode (source_identity_id, agency, local_key, kind, started_at, ended_at)
       select s, $1, k, kd, st::date, en::date from unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[]) as t(s, k, kd, st, en)
       on conflict (agency, local_key) do update set source_identity_id = excluded.source_identity_id, kind = excluded.kind,
         started_at = excluded.started_at, ended_at = excluded.ended_at, last_seen = now(), retracted_at = null`, firstLoad),
      [agency, missing.map(si), missing.map((r) => r.key), missing.map((r) => r.kind), missing.map((r) => r.start), missing.map((r) => r.end)],
    );
  }

  const uasc = ofType(records, 'uasc');
  if (uasc.length) {
    await db.query(
      upsert(
      `insert into care.uasc_status (source_identity_id, agency, local_key, ceased_on)
       select s, $1, k, c from unnest($2::uuid[], $3::text[], $4::date[]) as t(s, k, c)
       on conflict (agency, local_key) do update set source_identity_id = excluded.source_identity_id, ceased_on = excluded.ceased_on,
         last_seen = now(), retracted_at = null`, firstLoad),
      [agency, uasc.map(si), uasc.map((r) => r.key), uasc.map((r) => r.ceased)],
    );
  }
}

export const ssda903Feed: FeedApplier<Ssda903Record> = {
  feed: FEED,
  agencyKind: 'CHILDRENS_SERVICES',
  connector: ssda903,
  identityKind: 'child',
  // Episode, missing and UASC keys start with the child's id.
  keyedRows: {},
  apply: applyBatch,
  async retract(db, agency, kind, keys) {
    if (kind === 'child') return retractSourceIdentities(db, agency, FEED, keys);
    const table = TABLES[kind as keyof typeof TABLES];
    if (!table) throw new Error(`ssda903: no table for kind ${kind}`);
    return retractRows(db, table, 'local_key', agency, keys);
  },
  async purge(db, agency, kind, keys) {
    const table = TABLES[kind as keyof typeof TABLES];
    if (!table) throw new Error(`ssda903: no table for kind ${kind}`);
    return purgeRows(db, table, 'local_key', agency, keys);
  },
};
