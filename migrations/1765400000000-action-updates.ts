import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A strategy action's status changes (`updateAction`), each with who, when and an optional note:
 * the latest note on the action, every change in `safeguarding.action_update` (the audit records
 * that a change was made; this says what it was).
 */
export class ActionUpdates1765400000000 implements MigrationInterface {
  name = 'ActionUpdates1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table safeguarding.strategy_action add column note text check (char_length(note) <= 2000)`);
    await q.query(`
      create table safeguarding.action_update (
        id bigint generated always as identity primary key,
        action_id uuid not null references safeguarding.strategy_action (id) on delete cascade,
        status text not null check (status in ('OPEN', 'DONE', 'CANCELLED')),
        note text check (char_length(note) <= 2000),
        updated_by text not null,
        updated_at timestamptz not null default now()
      )`);
    await q.query(`create index action_update_action on safeguarding.action_update (action_id, updated_at)`);
    // The agencies' due lists: open actions by owner and due date.
    await q.query(`create index strategy_action_due on safeguarding.strategy_action (owner_agency, due_on) where status = 'OPEN'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index safeguarding.strategy_action_due`);
    await q.query(`drop table safeguarding.action_update`);
    await q.query(`alter table safeguarding.strategy_action drop column note`);
  }
}
