import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The queue as a derived table (issue 24, a read in time proportional to the page, not the queue):
 * `identity.suggestion_queue` holds one row per (agency, waiting pair of persons, status) — the
 * agency holds a record of either child — with the pair's likeliest suggestion (its head), its
 * probability and whether either child is missing now (an open LA missing episode or police report
 * on any of its records). A page of `matchSuggestions` is a walk of `suggestion_queue_page` with a
 * limit, and its counts are sums of a few rows of `identity.suggestion_queue_count`.
 *
 * It is maintained set-wise in the writing transaction by statement-level triggers with transition
 * tables, one call of `identity.refresh_queue(persons)` per statement, on whatever a row depends on:
 * the suggestions (written on arrival, by `match dedupe`, decided), the identities' persons,
 * agencies and retraction (merges, splits, undo, purge, retention), and the missing episodes and
 * reports (opened, closed, retracted, deleted). `refresh_queue` recomputes every row of the
 * persons given from the suggestions; `rebuild_queue` recomputes the whole table, and
 * `queue_rows(null)` is the table as it should be (a test compares them).
 *
 * Also: a judgement records the other agency of a cross-agency decision (`other_agency`: the two
 * records belong to agencies of two kinds, and the decider's is one of them).
 */

/**
 * The queue's rows, from scratch: `%s` is the filter on the waiting suggestions (`true`, or those
 * touching the identities `$1`). Shared by `queue_rows` through `format`.
 */
const QUEUE_ROWS = `
  with s as (
    select m.id, m.status, m.probability, least(sa.person_id, sb.person_id) as pa, greatest(sa.person_id, sb.person_id) as pb
      from identity.match_suggestion m
      join identity.source_identity sa on sa.id = m.a and sa.retracted_at is null
      join identity.source_identity sb on sb.id = m.b and sb.retracted_at is null
     where m.status in ('OPEN', 'UNSURE') and sa.person_id <> sb.person_id and %s),
  head as (select distinct on (pa, pb, status) id, status, probability, pa, pb from s order by pa, pb, status, probability desc, id),
  person as (select p.id, exists (
               select 1 from identity.source_identity x where x.person_id = p.id and x.retracted_at is null
                 and (exists (select 1 from care.missing_episode e where e.source_identity_id = x.id and e.ended_at is null and e.retracted_at is null)
                   or exists (select 1 from police.missing_report r where r.source_identity_id = x.id and r.found_at is null and r.retracted_at is null))) as missing
               from (select pa as id from head union select pb from head) p)
  select o.agency, h.pa, h.pb, h.status, h.id, h.probability, ua.missing or ub.missing
    from head h join person ua on ua.id = h.pa join person ub on ub.id = h.pb
    cross join lateral (select distinct o.agency from identity.source_identity o where o.person_id in (h.pa, h.pb) and o.retracted_at is null) o`;

export class QueueRead1765600000000 implements MigrationInterface {
  name = 'QueueRead1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table identity.suggestion_queue (
        agency text not null,
        person_a uuid not null,
        person_b uuid not null,
        status text not null check (status in ('OPEN', 'UNSURE')),
        suggestion_id uuid not null,
        probability double precision not null,
        urgent boolean not null,
        primary key (agency, person_a, person_b, status),
        check (person_a < person_b)
      )`);
    // The page: a walk in the queue's order; its counts: index-only counts of (agency, status).
    await q.query(`create index suggestion_queue_page on identity.suggestion_queue (agency, status, urgent desc, probability desc, suggestion_id)`);
    await q.query(`create index suggestion_queue_b on identity.suggestion_queue (person_b)`);
    await q.query(`create index suggestion_queue_a on identity.suggestion_queue (person_a)`);
    await q.query(`
      create function identity.queue_rows(p uuid[])
        returns table (agency text, person_a uuid, person_b uuid, status text, suggestion_id uuid, probability double precision, urgent boolean)
        language plpgsql stable as $fn$
      begin
        if p is null then
          return query execute format($q$${QUEUE_ROWS}$q$, 'true');
        else
          return query execute format($q$${QUEUE_ROWS}$q$, '(m.a = any($1) or m.b = any($1))')
            using array(select id from identity.source_identity where person_id = any(p));
        end if;
      end $fn$`);
    // The badge's counts without a count of the queue: each statement appends its net change per
    // agency and status (appends take no lock, so concurrent batches never wait on a counter row),
    // and a statement that finds more than 64 rows folds them into one per agency and status,
    // unless another transaction is folding (a lock tried, never waited for).
    await q.query(`
      create table identity.suggestion_queue_count (
        agency text not null,
        status text not null,
        n bigint not null
      )`);
    await q.query(`create index suggestion_queue_count_agency on identity.suggestion_queue_count (agency, status)`);
    await q.query(`
      create function identity.refresh_queue(p uuid[]) returns void language plpgsql as $fn$
      declare
        gone_agency text[];
        gone_status text[];
        gone_n bigint[];
      begin
        if p is null or cardinality(p) = 0 then return; end if;
        with gone as (delete from identity.suggestion_queue q where q.person_a = any(p) or q.person_b = any(p) returning q.agency, q.status)
        select array_agg(g.agency), array_agg(g.status), array_agg(g.n) into gone_agency, gone_status, gone_n
          from (select agency, status, count(*) as n from gone group by 1, 2) g;
        with came as (insert into identity.suggestion_queue select * from identity.queue_rows(p) returning agency, status),
             delta as (select agency, status, count(*) as n from came group by 1, 2
                       union all select a, s, -n from unnest(gone_agency, gone_status, gone_n) as g(a, s, n))
        insert into identity.suggestion_queue_count (agency, status, n) select agency, status, sum(n) from delta group by 1, 2 having sum(n) <> 0;
        if (select count(*) from (select 1 from identity.suggestion_queue_count limit 65) c) > 64
           and pg_try_advisory_xact_lock(hashtext('identity.suggestion_queue_count')) then
          with folded as (delete from identity.suggestion_queue_count returning agency, status, n)
          insert into identity.suggestion_queue_count (agency, status, n) select agency, status, sum(n) from folded group by 1, 2 having sum(n) <> 0;
        end if;
      end $fn$`);
    await q.query(`
      create function identity.rebuild_queue() returns void language plpgsql as $fn$
      begin
        delete from identity.suggestion_queue;
        insert into identity.suggestion_queue select * from identity.queue_rows(null);
        delete from identity.suggestion_queue_count;
        insert into identity.suggestion_queue_count (agency, status, n) select agency, status, count(*) from identity.suggestion_queue group by 1, 2;
      end $fn$`);
    // The triggers: the persons a statement touched, refreshed once per statement.
    const fn = (name: string, persons: string) => q.query(`
      create function identity.${name}() returns trigger language plpgsql as $fn$
      begin
        perform identity.refresh_queue(array(${persons}));
        return null;
      end $fn$`);
    const ofIdentities = (ids: string) => `select distinct s.person_id from identity.source_identity s where s.id in (${ids})`;
    await fn('queue_suggestion_new', ofIdentities(`select a from new_rows union select b from new_rows`));
    await fn('queue_suggestion_old', ofIdentities(`select a from old_rows union select b from old_rows`));
    // An identity moved to another person, retracted or restored, or of another agency: both persons.
    await fn('queue_identity_update', `select distinct x from old_rows o join new_rows n on n.id = o.id
        cross join lateral unnest(array[o.person_id, n.person_id]) x
       where (o.person_id, o.agency, o.retracted_at is null) is distinct from (n.person_id, n.agency, n.retracted_at is null)`);
    // A new identity joins a person of its own agency or a new one; a person already queued is refreshed all the same.
    await fn('queue_identity_new', `select distinct n.person_id from new_rows n
       where exists (select 1 from identity.suggestion_queue q where q.person_a = n.person_id) or exists (select 1 from identity.suggestion_queue q where q.person_b = n.person_id)`);
    await fn('queue_identity_old', `select distinct person_id from old_rows`);
    // A missing episode or report opened, closed, retracted or deleted: the child's urgency, if queued.
    const queued = (open: string, rows: string) => `select distinct s.person_id from ${rows} join identity.source_identity s on s.id = t.source_identity_id
       where ${open} and (exists (select 1 from identity.suggestion_queue q where q.person_a = s.person_id) or exists (select 1 from identity.suggestion_queue q where q.person_b = s.person_id))`;
    for (const [table, end] of [['care.missing_episode', 'ended_at'], ['police.missing_report', 'found_at']] as const) {
      const name = table.split('.')[1]!;
      const open = (t: string) => `(${t}.${end} is null and ${t}.retracted_at is null)`;
      await fn(`queue_${name}_new`, queued(open('t'), 'new_rows t'));
      await fn(`queue_${name}_update`, queued(`${open('t')} is distinct from ${open('n')}`, 'old_rows t join new_rows n on n.id = t.id'));
      await fn(`queue_${name}_old`, queued(open('t'), 'old_rows t'));
      await q.query(`create trigger ${name}_queue_insert after insert on ${table} referencing new table as new_rows for each statement execute function identity.queue_${name}_new()`);
      await q.query(`create trigger ${name}_queue_update after update on ${table} referencing old table as old_rows new table as new_rows for each statement execute function identity.queue_${name}_update()`);
      await q.query(`create trigger ${name}_queue_delete after delete on ${table} referencing old table as old_rows for each statement execute function identity.queue_${name}_old()`);
    }
    await q.query(`create trigger match_suggestion_queue_insert after insert on identity.match_suggestion referencing new table as new_rows for each statement execute function identity.queue_suggestion_new()`);
    await q.query(`create trigger match_suggestion_queue_update after update on identity.match_suggestion referencing new table as new_rows for each statement execute function identity.queue_suggestion_new()`);
    await q.query(`create trigger match_suggestion_queue_delete after delete on identity.match_suggestion referencing old table as old_rows for each statement execute function identity.queue_suggestion_old()`);
    await q.query(`create trigger source_identity_queue_insert after insert on identity.source_identity referencing new table as new_rows for each statement execute function identity.queue_identity_new()`);
    await q.query(`create trigger source_identity_queue_update after update on identity.source_identity referencing old table as old_rows new table as new_rows for each statement execute function identity.queue_identity_update()`);
    await q.query(`create trigger source_identity_queue_delete after delete on identity.source_identity referencing old table as old_rows for each statement execute function identity.queue_identity_old()`);
    await q.query(`select identity.rebuild_queue()`);

    await q.query(`alter table identity.judgement add column other_agency text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table identity.judgement drop column other_agency`);
    for (const [table, name] of [['identity.match_suggestion', 'match_suggestion'], ['identity.source_identity', 'source_identity'], ['care.missing_episode', 'missing_episode'], ['police.missing_report', 'missing_report']]) {
      for (const op of ['insert', 'update', 'delete']) await q.query(`drop trigger ${name}_queue_${op} on ${table}`);
    }
    for (const f of ['queue_suggestion_new', 'queue_suggestion_old', 'queue_identity_update', 'queue_identity_new', 'queue_identity_old',
      'queue_missing_episode_new', 'queue_missing_episode_update', 'queue_missing_episode_old', 'queue_missing_report_new', 'queue_missing_report_update', 'queue_missing_report_old',
      'rebuild_queue']) await q.query(`drop function identity.${f}()`);
    await q.query(`drop function identity.refresh_queue(uuid[])`);
    await q.query(`drop function identity.queue_rows(uuid[])`);
    await q.query(`drop table identity.suggestion_queue_count`);
    await q.query(`drop table identity.suggestion_queue`);
  }
}
