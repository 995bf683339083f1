import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One open alert per missing child and candidate child: an alert names every record of the
 * candidate it rests on (`candidate_identity_ids`), and a further record of the same candidate child
 * joins the open alert instead of raising another.
 */
export class AlertPerChild1765300000000 implements MigrationInterface {
  name = 'AlertPerChild1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table identity.match_alert add column candidate_identity_ids uuid[] not null default '{}'`);
    await q.query(`update identity.match_alert set candidate_identity_ids = array[candidate_identity_id]`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table identity.match_alert drop column candidate_identity_ids`);
  }
}
