import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Age-dispute status as the Home Office records it (one per person record). */
export class HomeOffice1764028800000 implements MigrationInterface {
  name = 'HomeOffice1764028800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table immigration.age_dispute (
        id uuid primary key default gen_random_uuid(),
        source_identity_id uuid not null references identity.source_identity (id),
        agency text not null,
        claimed_dob date,
        status text not null check (status in ('NOT_DISPUTED', 'DISPUTED', 'ASSESSED_CHILD', 'ASSESSED_ADULT')),
        assessed_at date,
        merton_compliant boolean,
        first_seen timestamptz not null default now(),
        last_seen timestamptz not null default now(),
        retracted_at timestamptz,
        unique (source_identity_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table immigration.age_dispute');
  }
}
