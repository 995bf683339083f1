import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ingest: every run (feed, agency, phase, counts, checkpoint), its rejections and warnings, and
 * the content hash of every record seen, keyed by (agency, feed, kind, local key), so that an
 * unchanged row costs one hash comparison. Also the UASC status table of the care schema.
 */
export class Ingest1763942400000 implements MigrationInterface {
  name = 'Ingest1763942400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table ingest.run (
        id uuid primary key default gen_random_uuid(),
        feed text not null,
        agency text not null,
        full_snapshot boolean not null default false,
        input_digest text not null,
        phase text not null check (phase in ('RUNNING', 'COMPLETED', 'FAILED')),
        started_at timestamptz not null default now(),
        finished_at timestamptz,
        read integer not null default 0,
        inserted integer not null default 0,
        updated integer not null default 0,
        unchanged integer not null default 0,
        rejected integer not null default 0,
        retracted integer not null default 0,
        warnings integer not null default 0,
        checkpoint integer not null default 0,
        check (read = inserted + updated + unchanged + rejected)
      )`);
    await q.query(`create index run_resume on ingest.run (feed, agency, input_digest) where phase = 'RUNNING'`);

    await q.query(`
      create table ingest.rejection (
        id bigint generated always as identity primary key,
        run_id uuid not null references ingest.run (id),
        ordinal integer not null,
        file text not null,
        line integer,
        path text,
        field text,
        code text not null,
        reason text not null,
        raw text not null,
        unique (run_id, ordinal)
      )`);

    await q.query(`
      create table ingest.warning (
        id bigint generated always as identity primary key,
        run_id uuid not null references ingest.run (id),
        ordinal integer not null,
        file text not null,
        line integer,
        field text,
        code text not null,
        message text not null,
        local_key text not null
      )`);
    await q.query(`create index warning_run on ingest.warning (run_id)`);

    await q.query(`
      create table ingest.record_state (
        agency text not null,
        feed text not null,
        kind text not null,
        local_key text not null,
        content_hash text not null,
        last_run_id uuid not null references ingest.run (id),
        retracted_at timestamptz,
        primary key (agency, feed, kind, local_key)
      )`);

    await q.query(`
      create table care.uasc_status (
        id uuid primary key default gen_random_uuid(),
        source_identity_id uuid not null references identity.source_identity (id),
        agency text not null,
        local_key text not null,
        ceased_on date,
        first_seen timestamptz not null default now(),
        last_seen timestamptz not null default now(),
        retracted_at timestamptz,
        unique (agency, local_key)
      )`);
    await q.query(`alter table care.placement add column home_postcode text, add column urn text, add column reason_for_change text, add column placement_provider text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table care.placement drop column home_postcode, drop column urn, drop column reason_for_change, drop column placement_provider`);
    await q.query(`drop table care.uasc_status`);
    await q.query(`drop table ingest.record_state, ingest.warning, ingest.rejection, ingest.run`);
  }
}
