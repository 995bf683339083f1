import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Strategy discussions in full: who convened (the user), the police–LA ownership agreement
 * (which agency takes ownership if the child is found in another area), decisions, and actions
 * with an owner agency, a due date and a status. Discussions join the timeline; every change is
 * audited (outcome RECORDED).
 */
export class Strategy1764547200000 implements MigrationInterface {
  name = 'Strategy1764547200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table safeguarding.strategy_discussion
        add column ownership_agency text,
        add column ownership_note text,
        add column decisions text[] not null default '{}'`);
    await q.query(`
      create table safeguarding.strategy_action (
        id uuid primary key default gen_random_uuid(),
        discussion_id uuid not null references safeguarding.strategy_discussion (id),
        description text not null check (char_length(description) between 3 and 2000),
        owner_agency text not null,
        due_on date not null,
        status text not null default 'OPEN' check (status in ('OPEN', 'DONE', 'CANCELLED')),
        recorded_by text not null,
        recorded_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    await q.query(`create index strategy_action_discussion on safeguarding.strategy_action (discussion_id)`);
    // Changes to a child's record (a discussion convened, an action recorded) are audited like disclosures.
    await q.query(`alter table audit.event drop constraint event_outcome_check, add constraint event_outcome_check check (outcome in ('RELEASED', 'WITHHELD', 'RECORDED'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table audit.event drop constraint event_outcome_check, add constraint event_outcome_check check (outcome in ('RELEASED', 'WITHHELD'))`);
    await q.query(`drop table safeguarding.strategy_action`);
    await q.query(`alter table safeguarding.strategy_discussion drop column ownership_agency, drop column ownership_note, drop column decisions`);
  }
}
