/** Applying police records: persons, missing reports with their risk history, custody. */
import { police, type PoliceRecord } from '../../connectors/police';
import type { Db } from '../db';
import { ensureSourceIdentities, ofType, purgeRows, upsert, retractRows, retractSourceIdentities, type FeedApplier } from './feed';
import { applyPersonFacts, attributesOf, columnsOf } from './person';

const FEED = 'police';
const personRef = (r: PoliceRecord) => (r.type === 'person' ? r.key : r.personRef);

async function applyBatch(db: Db, agency: string, records: readonly PoliceRecord[], firstLoad: boolean): Promise<void> {
  const people = ofType(records, 'person');
  const identity = await ensureSourceIdentities(db, agency, FEED, records.map(personRef), firstLoad, attributesOf(people));
  const si = (r: PoliceRecord) => identity.get(personRef(r))!;
  await applyPersonFacts(db, people.map((p) => ({ sourceIdentityId: si(p), facts: p.facts })), firstLoad);

  const reports = ofType(records, 'missing_report');
  if (reports.length) {
    const rows = reports.map((r) => [si(r), r.key, r.reportedAt, r.lastSeenAt, r.lastSeenLocation, r.missingFromLa, r.ukmpuNotifiedAt, r.foundAt, r.foundLocation, r.foundBy]);
    const saved = await db.query<{ id: string; report_ref: string }>(
      upsert(
      `insert into police.missing_report (source_identity_id, agency, report_ref, reported_at, last_seen_at, last_seen_location, missing_from_la, ukmpu_notified_at, found_at, found_location, found_by)
       select s, $1, k, ra, lsa, lsl, la, un, fa, fl, fb
         from unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::text[], $8::timestamptz[], $9::timestamptz[], $10::text[], $11::text[])
           as t(s, k, ra, lsa, lsl, la, un, fa, fl, fb)
       on conflict (agency, report_ref) do update set source_identity_id = excluded.source_identity_id, reported_at = excluded.reported_at,
         last_seen_at = excluded.last_seen_at, last_seen_location = excluded.last_seen_location, missing_from_la = excluded.missing_from_la,
         ukmpu_notified_at = excluded.ukmpu_notified_at, found_at = excluded.found_at, found_location = excluded.found_location,
         found_by = excluded.found_by, last_seen = now(), retracted_at = null
       returning id, report_ref`, firstLoad),
      [agency, ...columnsOf(rows, 10)],
    );
    const idOf = new Map(saved.map((r) => [r.report_ref, r.id]));
    // The grading history is the report's: replaced whole with it.
    if (!firstLoad) await db.query('delete from police.risk_grading where missing_report_id = any($1::uuid[])', [saved.map((r) => r.id)]);
    const gradings = reports.flatMap((r) => r.risk.map((g) => [idOf.get(r.key), g.level, g.gradedAt]));
    if (gradings.length) {
      await db.query(
        `insert into police.risk_grading (missing_report_id, level, graded_at) select * from unnest($1::uuid[], $2::text[], $3::timestamptz[]) on conflict do nothing`,
        columnsOf(gradings, 3),
      );
    }
  }

  const custody = ofType(records, 'custody');
  if (custody.length) {
    await db.query(
      upsert(
      `insert into police.custody (source_identity_id, agency, custody_ref, arrested_at, location, offence, fingerprints_taken)
       select s, $1, k, a, l, o, f from unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::boolean[]) as t(s, k, a, l, o, f)
       on conflict (agency, custody_ref) do update set source_identity_id = excluded.source_identity_id, arrested_at = excluded.arrested_at,
         location = excluded.location, offence = excluded.offence, fingerprints_taken = excluded.fingerprints_taken, last_seen = now(), retracted_at = null`, firstLoad),
      [agency, ...columnsOf(custody.map((c) => [si(c), c.key, c.arrestedAt, c.location, c.offence, c.fingerprintsTaken]), 6)],
    );
  }
}

const TABLES: Record<string, [string, string]> = { missing_report: ['police.missing_report', 'report_ref'], custody: ['police.custody', 'custody_ref'] };

export const policeFeed: FeedApplier<PoliceRecord> = {
  feed: FEED,
  agencyKind: 'POLICE',
  connector: police,
  identityKind: 'person',
  keyedRows: TABLES,
  apply: applyBatch,
  async retract(db, agency, kind, keys) {
    if (kind === 'person') return retractSourceIdentities(db, agency, FEED, keys);
    const [table, column] = TABLES[kind] ?? [];
    if (!table || !column) throw new Error(`police: no table for kind ${kind}`);
    return retractRows(db, table, column, agency, keys);
  },
  async purge(db, agency, kind, keys) {
    const [table, column] = TABLES[kind] ?? [];
    if (!table || !column) throw new Error(`police: no table for kind ${kind}`);
    return purgeRows(db, table, column, agency, keys);
  },
};
