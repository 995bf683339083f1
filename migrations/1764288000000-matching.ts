import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity resolution: blocking keys per source identity (`match_token`, written from the facts
 * by `src/ingest/match`), the name-token vocabulary with a trigram index for fuzzy expansion, the
 * dirty set that triggers fill whenever an identity's facts change (what match-on-arrival and
 * key refresh read), stored model parameters, judgements, links and suggestions, and the record
 * of every change to a person.
 */
export class Matching1764288000000 implements MigrationInterface {
  name = 'Matching1764288000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table identity.match_token (
        source_identity_id uuid not null references identity.source_identity (id) on delete cascade,
        key text not null
      )`);
    await q.query(`create index match_token_key on identity.match_token (key, source_identity_id)`);
    await q.query(`create index match_token_source_identity on identity.match_token (source_identity_id)`);
    await q.query(`create table identity.match_vocabulary (token text primary key, n integer not null check (n >= 0))`);
    // GIN: search expands a token to the vocabulary tokens `%`-similar to it (measured: 2 ms warm
    // at 65k tokens, where GiST's KNN order took 17 ms).
    await q.query(`create index match_vocabulary_trgm on identity.match_vocabulary using gin (token gin_trgm_ops)`);
    await q.query(`create table identity.match_dirty (source_identity_id uuid primary key, marked_at timestamptz not null default clock_timestamp())`);

    // Statement-level triggers with transition tables: one insert per statement, not per row.
    await q.query(`
      create function identity.mark_dirty_new() returns trigger language plpgsql as $$
      begin
        insert into identity.match_dirty (source_identity_id) select distinct source_identity_id from new_rows on conflict do nothing;
        return null;
      end $$`);
    await q.query(`
      create function identity.mark_dirty_old() returns trigger language plpgsql as $$
      begin
        insert into identity.match_dirty (source_identity_id)
          select distinct o.source_identity_id from old_rows o where exists (select 1 from identity.source_identity s where s.id = o.source_identity_id)
          on conflict do nothing;
        return null;
      end $$`);
    await q.query(`
      create function identity.mark_dirty_identity() returns trigger language plpgsql as $$
      begin
        insert into identity.match_dirty (source_identity_id) select id from new_rows on conflict do nothing;
        return null;
      end $$`);
    // An update marks only identities whose matching facts changed (not every last_seen bump).
    await q.query(`
      create function identity.mark_dirty_identity_changed() returns trigger language plpgsql as $$
      begin
        insert into identity.match_dirty (source_identity_id)
          select n.id from new_rows n join old_rows o on o.id = n.id
           where (n.sex, n.nationality, n.retracted_at is null) is distinct from (o.sex, o.nationality, o.retracted_at is null)
          on conflict do nothing;
        return null;
      end $$`);
    for (const table of ['name', 'birth_date', 'identifier', 'biometric_reference', 'contact_point']) {
      await q.query(`create trigger ${table}_dirty_insert after insert on identity.${table} referencing new table as new_rows for each statement execute function identity.mark_dirty_new()`);
      await q.query(`create trigger ${table}_dirty_update after update on identity.${table} referencing new table as new_rows for each statement execute function identity.mark_dirty_new()`);
      await q.query(`create trigger ${table}_dirty_delete after delete on identity.${table} referencing old table as old_rows for each statement execute function identity.mark_dirty_old()`);
    }
    await q.query(`create trigger source_identity_dirty_insert after insert on identity.source_identity referencing new table as new_rows for each statement execute function identity.mark_dirty_identity()`);
    await q.query(`create trigger source_identity_dirty_update after update on identity.source_identity referencing old table as old_rows new table as new_rows for each statement execute function identity.mark_dirty_identity_changed()`);

    await q.query(`
      create table identity.match_model (
        version text primary key,
        parameters jsonb not null,
        trained_at timestamptz not null default now(),
        pairs integer not null,
        method text not null
      )`);

    // Judgements between two source identities, by a named person; links that hold identities in
    // one person (automatic, with method and evidence, or from a POSITIVE judgement).
    await q.query(`
      create table identity.judgement (
        id bigint generated always as identity primary key,
        a uuid not null references identity.source_identity (id),
        b uuid not null references identity.source_identity (id),
        judgement text not null check (judgement in ('POSITIVE', 'NEGATIVE', 'UNSURE')),
        reason text not null check (length(trim(reason)) > 0),
        sub text not null,
        agency text not null,
        recorded_at timestamptz not null default now(),
        check (a < b)
      )`);
    await q.query(`create index judgement_pair on identity.judgement (a, b, recorded_at desc)`);
    await q.query(`
      create table identity.link (
        id bigint generated always as identity primary key,
        a uuid not null references identity.source_identity (id),
        b uuid not null references identity.source_identity (id),
        method text not null check (method in ('BIOMETRIC', 'IDENTIFIER', 'JUDGEMENT', 'SAME_AGENCY_RECORD')),
        evidence text not null,
        created_at timestamptz not null default now(),
        removed_at timestamptz,
        check (a < b)
      )`);
    await q.query(`create unique index link_pair on identity.link (a, b) where removed_at is null`);
    await q.query(`create index link_b on identity.link (b) where removed_at is null`);
    await q.query(`
      create table identity.match_suggestion (
        a uuid not null references identity.source_identity (id),
        b uuid not null references identity.source_identity (id),
        weight double precision not null,
        probability double precision not null,
        grade text not null check (grade in ('CERTAIN', 'PROBABLE', 'POSSIBLE', 'CERTAINLY_NOT')),
        reasons jsonb not null,
        model_version text not null,
        created_at timestamptz not null default now(),
        primary key (a, b),
        check (a < b)
      )`);
    await q.query(`
      create table identity.person_event (
        id bigint generated always as identity primary key,
        person_id uuid not null references identity.person (id),
        kind text not null check (kind in ('CREATED', 'MERGED_INTO', 'ABSORBED', 'SPLIT_FROM', 'IDENTITY_MOVED')),
        other_person_id uuid references identity.person (id),
        source_identity_id uuid references identity.source_identity (id),
        cause text not null,
        at timestamptz not null default now()
      )`);
    await q.query(`create index person_event_person on identity.person_event (person_id, at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['person_event', 'match_suggestion', 'link', 'judgement', 'match_model']) await q.query(`drop table identity.${t}`);
    for (const table of ['name', 'birth_date', 'identifier', 'biometric_reference', 'contact_point']) {
      for (const op of ['insert', 'update', 'delete']) await q.query(`drop trigger ${table}_dirty_${op} on identity.${table}`);
    }
    await q.query(`drop trigger source_identity_dirty_insert on identity.source_identity`);
    await q.query(`drop trigger source_identity_dirty_update on identity.source_identity`);
    await q.query(`drop function identity.mark_dirty_new(), identity.mark_dirty_old(), identity.mark_dirty_identity(), identity.mark_dirty_identity_changed()`);
    await q.query(`drop table identity.match_dirty, identity.match_vocabulary, identity.match_token`);
  }
}
