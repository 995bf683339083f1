import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * LA person details: plan items and consent records in the care schema; and on identity facts,
 * the record that supplied each one (`record_key`) and its retraction, because the LA feed sends
 * aliases, linked identifiers and contacts as records of their own.
 */
export class LaPerson1764115200000 implements MigrationInterface {
  name = 'LaPerson1764115200000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['name', 'birth_date', 'identifier', 'biometric_reference', 'contact_point']) {
      await q.query(`alter table identity.${table} add column record_key text, add column retracted_at timestamptz`);
      await q.query(`create index ${table}_record_key on identity.${table} (source_identity_id, record_key)`);
    }
    await q.query(`
      create table care.plan_item (
        id uuid primary key default gen_random_uuid(),
        source_identity_id uuid not null references identity.source_identity (id),
        agency text not null,
        local_key text not null,
        item text not null,
        status text not null check (status in ('DONE', 'NOT_DONE', 'DECLINED', 'NOT_APPLICABLE')),
        recorded_at timestamptz,
        note text,
        first_seen timestamptz not null default now(),
        last_seen timestamptz not null default now(),
        retracted_at timestamptz,
        unique (agency, local_key)
      )`);
    await q.query(`create index plan_item_source_identity on care.plan_item (source_identity_id)`);
    await q.query(`
      create table care.consent (
        id uuid primary key default gen_random_uuid(),
        source_identity_id uuid not null references identity.source_identity (id),
        agency text not null,
        local_key text not null,
        given_by text not null check (given_by in ('CHILD', 'PARENTAL_RESPONSIBILITY')),
        categories text[] not null,
        recipients text[] not null,
        purpose text,
        given_at timestamptz not null,
        expires_at timestamptz,
        withdrawn_at timestamptz,
        first_seen timestamptz not null default now(),
        last_seen timestamptz not null default now(),
        retracted_at timestamptz,
        unique (agency, local_key),
        check (expires_at is null or expires_at > given_at),
        check (withdrawn_at is null or withdrawn_at >= given_at)
      )`);
    await q.query(`create index consent_source_identity on care.consent (source_identity_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table care.consent, care.plan_item');
    for (const table of ['name', 'birth_date', 'identifier', 'biometric_reference', 'contact_point']) {
      await q.query(`alter table identity.${table} drop column record_key, drop column retracted_at`);
    }
  }
}
