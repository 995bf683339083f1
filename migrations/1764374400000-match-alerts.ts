import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Match alerts: a record that arrives and matches (probable or better) a child with an open
 * missing episode raises an alert to the agencies that must act, in the batch's own transaction.
 * Webhook deliveries are queued in an outbox in that same transaction, so an alert cannot be lost
 * between commit and delivery, across a crash or a restart.
 */
export class MatchAlerts1764374400000 implements MigrationInterface {
  name = 'MatchAlerts1764374400000';

  async up(q: QueryRunner): Promise<void> {
    // Open missing episodes of every agency, per source identity: the LA's (SSDA903 MISSING
    // periods) and the police's reports not yet found.
    await q.query(`
      create view identity.open_missing as
        select m.source_identity_id, m.agency, 'LA' as reported_by, m.agency as missing_from_la, m.started_at
          from care.missing_episode m where m.ended_at is null and m.retracted_at is null
        union all
        select r.source_identity_id, r.agency, 'POLICE', r.missing_from_la, coalesce(r.last_seen_at, r.reported_at)
          from police.missing_report r where r.found_at is null and r.retracted_at is null`);

    await q.query(`
      create table identity.match_alert (
        id uuid primary key default gen_random_uuid(),
        raised_at timestamptz not null default clock_timestamp(),
        status text not null default 'OPEN' check (status in ('OPEN', 'ACKNOWLEDGED')),
        missing_person_id uuid not null references identity.person (id),
        missing_identity_id uuid not null references identity.source_identity (id),
        candidate_identity_id uuid not null references identity.source_identity (id),
        probability double precision not null,
        grade text not null check (grade in ('CERTAIN', 'PROBABLE')),
        weight double precision not null,
        contributions jsonb not null,
        agencies text[] not null check (cardinality(agencies) > 0),
        cause text not null,
        acknowledged_at timestamptz,
        acknowledged_by text,
        check ((status = 'ACKNOWLEDGED') = (acknowledged_at is not null))
      )`);
    // One open alert per pair of records: a re-ingest does not raise it again.
    await q.query(`create unique index match_alert_open_pair on identity.match_alert (missing_identity_id, candidate_identity_id) where status = 'OPEN'`);
    await q.query(`create index match_alert_agencies on identity.match_alert using gin (agencies)`);
    await q.query(`create index match_alert_raised on identity.match_alert (raised_at desc, id)`);

    await q.query(`
      create table identity.webhook_subscription (
        id uuid primary key default gen_random_uuid(),
        agency text not null,
        url text not null check (url ~ '^https?://'),
        secret text not null,
        created_at timestamptz not null default now(),
        active boolean not null default true
      )`);
    await q.query(`
      create table identity.alert_outbox (
        id bigint generated always as identity primary key,
        alert_id uuid not null references identity.match_alert (id),
        subscription_id uuid not null references identity.webhook_subscription (id),
        attempts integer not null default 0,
        next_attempt_at timestamptz not null default clock_timestamp(),
        delivered_at timestamptz,
        last_error text,
        unique (alert_id, subscription_id)
      )`);
    await q.query(`create index alert_outbox_due on identity.alert_outbox (next_attempt_at) where delivered_at is null`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table identity.alert_outbox, identity.webhook_subscription, identity.match_alert`);
    await q.query(`drop view identity.open_missing`);
  }
}
