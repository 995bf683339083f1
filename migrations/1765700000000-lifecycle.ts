import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The data protection lifecycle (issue 26), additive:
 * - `ingest.run.purged`: records a run purged by their purge flag (part of `read`, so the counts'
 *   check now adds them); `purged_missing`: records a whole snapshot sent with purge-missing no
 *   longer held and purged; `purge_missing`: whether the run was sent so.
 * - `identity.correction`: a correction at source (which facts changed, never their values), one
 *   row per record corrected; it rests on its source identity, so a purge takes it too.
 * - the timeline gains `RECORD_CORRECTED` events from it (IDENTITY).
 * - an index on every column that references a source identity without one: deleting an identity
 *   checks each referencing table for rows of it, and without an index that check read the whole
 *   table once per identity (a retention run over 1M identities spent its time there).
 */
const UNINDEXED: readonly [table: string, column: string][] = [
  ['identity.person_event', 'source_identity_id'], ['identity.judgement', 'b'], ['identity.link', 'a'], ['identity.link', 'b'],
  ['identity.match_alert', 'missing_identity_id'], ['identity.match_alert', 'candidate_identity_id'],
  ['immigration.asylum_status', 'source_identity_id'], ['care.uasc_status', 'source_identity_id'],
];
const indexName = (table: string, column: string) => `${table.split('.')[1]}_${column}_ref`;
const CORRECTED = `
      select si.person_id, c.source_identity_id, si.agency, si.feed, 'RECORD_CORRECTED'::text as kind, 'IDENTITY'::text as category,
             c.at, 'identity.correction'::text as record_table, c.id::text as record_id
        from identity.correction c join identity.source_identity si on si.id = c.source_identity_id and si.retracted_at is null`;

async function countsCheck(q: QueryRunner): Promise<string> {
  const [row] = (await q.query(
    `select conname from pg_constraint where conrelid = 'ingest.run'::regclass and contype = 'c' and pg_get_constraintdef(oid) like '%read = %'`,
  )) as { conname: string }[];
  return row!.conname;
}

async function timeline(q: QueryRunner): Promise<string> {
  const [row] = (await q.query(`select pg_get_viewdef('safeguarding.timeline_event'::regclass) as def`)) as { def: string }[];
  return row!.def.trim().replace(/;$/, '');
}

export class Lifecycle1765700000000 implements MigrationInterface {
  name = 'Lifecycle1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table ingest.run add column purged integer not null default 0, add column purged_missing integer not null default 0,
      add column purge_missing boolean not null default false`);
    await q.query(`alter table ingest.run drop constraint ${await countsCheck(q)}`);
    await q.query(`alter table ingest.run add constraint run_counts check (read = inserted + updated + unchanged + rejected + purged)`);
    await q.query(`
      create table identity.correction (
        id uuid primary key default gen_random_uuid(),
        source_identity_id uuid not null references identity.source_identity (id),
        at timestamptz not null default now(),
        fields text[] not null check (cardinality(fields) > 0)
      )`);
    await q.query(`create index correction_source on identity.correction (source_identity_id)`);
    await q.query(`create or replace view safeguarding.timeline_event as ${await timeline(q)}\n      union all${CORRECTED}`);
    for (const [table, column] of UNINDEXED) await q.query(`create index ${indexName(table, column)} on ${table} (${column})`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, column] of UNINDEXED) await q.query(`drop index ${table.split('.')[0]}.${indexName(table, column)}`);
    const def = await timeline(q);
    const at = def.lastIndexOf('UNION ALL');
    await q.query(`create or replace view safeguarding.timeline_event as ${def.slice(0, at)}`);
    await q.query(`drop table identity.correction`);
    await q.query(`alter table ingest.run drop constraint run_counts`);
    await q.query(`alter table ingest.run add constraint run_check check (read = inserted + updated + unchanged + rejected)`);
    await q.query(`alter table ingest.run drop column purged, drop column purged_missing, drop column purge_missing`);
  }
}
