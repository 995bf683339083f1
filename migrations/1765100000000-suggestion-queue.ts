import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The suggestion queue: a match suggestion gets an id, its contributions, and a decision (OPEN until
 * a person decides SAME, DIFFERENT or UNSURE, with who, when and why). A SAME decision keeps what
 * it merged (`merged`: the absorbed person and its records), so a DIFFERENT after it restores the
 * persons as they were, ids included.
 */
export class SuggestionQueue1765100000000 implements MigrationInterface {
  name = 'SuggestionQueue1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table identity.match_suggestion
        add column id uuid not null default gen_random_uuid(),
        add column contributions jsonb not null default '[]',
        add column status text not null default 'OPEN' check (status in ('OPEN', 'SAME', 'DIFFERENT', 'UNSURE')),
        add column decided_by text,
        add column decided_at timestamptz,
        add column decision_reason text,
        add column merged jsonb,
        add check ((status = 'OPEN') = (decided_at is null))`);
    await q.query(`create unique index match_suggestion_id on identity.match_suggestion (id)`);
    await q.query(`create index match_suggestion_open on identity.match_suggestion (probability desc) where status in ('OPEN', 'UNSURE')`);
    await q.query(`create index match_suggestion_b on identity.match_suggestion (b)`);
    // An alert answered "not this child": DIFFERENT for its pair, with who and why.
    await q.query(`alter table identity.match_alert drop constraint match_alert_status_check`);
    await q.query(`alter table identity.match_alert add constraint match_alert_status_check check (status in ('OPEN', 'ACKNOWLEDGED', 'REJECTED')),
      add column rejected_at timestamptz, add column rejected_by text, add column rejection_reason text,
      add check ((status = 'REJECTED') = (rejected_at is not null))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`delete from identity.match_alert where status = 'REJECTED'`);
    await q.query(`alter table identity.match_alert drop column rejected_at, drop column rejected_by, drop column rejection_reason`);
    await q.query(`alter table identity.match_alert drop constraint match_alert_status_check`);
    await q.query(`alter table identity.match_alert add constraint match_alert_status_check check (status in ('OPEN', 'ACKNOWLEDGED'))`);
    await q.query(`drop index identity.match_suggestion_id, identity.match_suggestion_open, identity.match_suggestion_b`);
    await q.query(`alter table identity.match_suggestion drop column id, drop column contributions, drop column status, drop column decided_by,
      drop column decided_at, drop column decision_reason, drop column merged`);
  }
}
