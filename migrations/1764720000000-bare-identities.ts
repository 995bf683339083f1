import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A new source identity no longer marks itself for match on arrival: with no facts yet (names,
 * dates of birth, identifiers, biometric references, contacts) it has no blocking keys and can
 * match nothing, and each fact that arrives marks it (its own trigger). An SSDA903 episode file
 * creates children's identities with no facts at all; re-keying them cost a tenth of its load.
 */
export class BareIdentities1764720000000 implements MigrationInterface {
  name = 'BareIdentities1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`drop trigger source_identity_dirty_insert on identity.source_identity`);
    await q.query(`drop function identity.mark_dirty_identity()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      create function identity.mark_dirty_identity() returns trigger language plpgsql as $$
      begin
        insert into identity.match_dirty (source_identity_id) select id from new_rows on conflict do nothing;
        return null;
      end $$`);
    await q.query(`create trigger source_identity_dirty_insert after insert on identity.source_identity referencing new table as new_rows for each statement execute function identity.mark_dirty_identity()`);
  }
}
