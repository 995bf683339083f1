import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The schemas whose rows the hub reads and writes (the audit is apart: it is read, and appended through `audit.append`). */
const DATA_SCHEMAS = 'identity, care, police, immigration, safeguarding, access, ingest';

/**
 * The role the hub runs as (issue 22): `harbour_app`, not a superuser and the owner of nothing, so
 * it cannot disable the audit's triggers (only an owner may), set `session_replication_role` (only a
 * superuser may), or change a row of `audit.event` (it may only read it; it appends through
 * `audit.append`, which runs as `harbour_audit_writer`). It reads and writes the rows of the
 * data schemas, now and in tables later migrations create. Migrations run as the owner.
 *
 * The embedded server makes `harbour_app` a login role with its own password (src/db/embedded.ts);
 * elsewhere the operator gives the hub a login role that is a member of it (README, "Configuration").
 */
export class RuntimeRole1765272800000 implements MigrationInterface {
  name = 'RuntimeRole1765272800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      do $$ begin
        if not exists (select from pg_roles where rolname = 'harbour_app') then create role harbour_app nologin; end if;
      end $$`);
    await q.query(`grant usage on schema ${DATA_SCHEMAS}, audit to harbour_app`);
    await q.query(`grant select, insert, update, delete on all tables in schema ${DATA_SCHEMAS} to harbour_app`);
    await q.query(`grant usage, select on all sequences in schema ${DATA_SCHEMAS} to harbour_app`);
    await q.query(`alter default privileges in schema ${DATA_SCHEMAS} grant select, insert, update, delete on tables to harbour_app`);
    await q.query(`alter default privileges in schema ${DATA_SCHEMAS} grant usage, select on sequences to harbour_app`);
    await q.query(`grant select on audit.event to harbour_app`);
    // `serve` checks that no migration is pending.
    await q.query(`grant select on public.migrations to harbour_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`revoke select on public.migrations from harbour_app`);
    await q.query(`revoke select on audit.event from harbour_app`);
    await q.query(`alter default privileges in schema ${DATA_SCHEMAS} revoke usage, select on sequences from harbour_app`);
    await q.query(`alter default privileges in schema ${DATA_SCHEMAS} revoke select, insert, update, delete on tables from harbour_app`);
    await q.query(`revoke all on all sequences in schema ${DATA_SCHEMAS} from harbour_app`);
    await q.query(`revoke all on all tables in schema ${DATA_SCHEMAS} from harbour_app`);
    await q.query(`revoke usage on schema ${DATA_SCHEMAS}, audit from harbour_app`);
  }
}
