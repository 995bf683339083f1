import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The blocking keys of a missing child's identity carry a version, drawn from a sequence whenever
 * they are rewritten (`refreshMatchKeys`). Match on arrival holds the records of missing children
 * in memory between the batches of an ingest run; the version tells it which of them another
 * process (or this one) has changed since, so that an alert is never scored against a stale record.
 */
export class KeysVersion1764806400000 implements MigrationInterface {
  name = 'KeysVersion1764806400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create sequence identity.keys_version`);
    await q.query(`alter table identity.source_identity add column keys_version bigint not null default 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table identity.source_identity drop column keys_version`);
    await q.query(`drop sequence identity.keys_version`);
  }
}
