import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Access bases and the audit.
 *
 * - `access.justification`: safeguarding justifications (break-glass), each in the DPO's review
 *   queue until reviewed. Consent lives with the care record (`care.consent`), from LA feeds or
 *   recorded through GraphQL.
 * - `audit.event`: one row per access decision (a person and category, released or withheld, on
 *   one basis) with every client path it governed in the request, append-only and hash-chained. The application
 *   inserts only the content columns, through `audit.append` (one round trip), which runs as
 *   `harbour_audit_writer`: a role that may insert those columns and read, nothing else. A trigger
 *   assigns the sequence under a transaction-scoped advisory lock, the time, the previous row's
 *   hash and this row's hash: sha256(prev_hash || the row's canonical text). Updates, deletes and
 *   truncation are refused.
 */
export const AUDIT_LOCK = 0x4a7d17; // the advisory lock key that serialises the chain

/**
 * The chain trigger's function: each row's sequence, time and hashes. The first row of a
 * transaction takes the chain's lock and reads the last row; later rows of the same transaction
 * continue from a transaction-local setting (rolled back with it). `hash` is the row's hash, an
 * expression over `new`; `check` runs first. The keyed rule (AuditKeyed1765186400000) replaces it.
 */
export function chainFunction(hash: string, check = ''): string {
  return `
      create or replace function audit.chain() returns trigger language plpgsql volatile as $$
      declare
        cached text := current_setting('harbour.audit_last', true);
        last_seq bigint;
        last_hash bytea;
      begin${check}
        if coalesce(cached, '') = '' then
          perform pg_advisory_xact_lock(${AUDIT_LOCK});
          select e.seq, e.hash into last_seq, last_hash from audit.event e order by e.seq desc limit 1;
        else
          last_seq := split_part(cached, ':', 1)::bigint;
          last_hash := decode(split_part(cached, ':', 2), 'hex');
        end if;
        new.seq := coalesce(last_seq, 0) + 1;
        new.at := date_trunc('milliseconds', clock_timestamp());
        new.prev_hash := coalesce(last_hash, '\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);
        new.hash := ${hash};
        perform set_config('harbour.audit_last', new.seq::text || ':' || encode(new.hash, 'hex'), true);
        return new;
      end $$`;
}

export class Access1764460800000 implements MigrationInterface {
  name = 'Access1764460800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table access.justification (
        id uuid primary key default gen_random_uuid(),
        person_id uuid not null references identity.person (id),
        declared_by text not null,
        agency text not null,
        statutory_basis text not null check (statutory_basis in ('CHILDREN_ACT_1989_S47', 'CHILDREN_ACT_1989_S17', 'DPA_2018_SCH8_PARA4',
                                                                 'CRIME_AND_DISORDER_ACT_1998_S115', 'MODERN_SLAVERY_ACT_2015_S52')),
        reason text not null,
        categories text[] not null check (cardinality(categories) > 0),
        recipients text[] not null check (cardinality(recipients) > 0),
        declared_at timestamptz not null default now(),
        expires_at timestamptz not null check (expires_at > declared_at),
        review_status text not null default 'PENDING' check (review_status in ('PENDING', 'REVIEWED')),
        review_outcome text check (review_outcome in ('JUSTIFIED', 'NOT_JUSTIFIED')),
        reviewed_by text,
        reviewed_at timestamptz,
        review_note text,
        check ((review_status = 'REVIEWED') = (review_outcome is not null and reviewed_at is not null))
      )`);
    await q.query(`create index justification_person on access.justification (person_id, expires_at)`);
    await q.query(`create index justification_review on access.justification (review_status, declared_at)`);

    await q.query(`
      create table audit.event (
        seq bigint primary key,
        at timestamptz not null,
        request_id text not null,
        sub text not null,
        agency text not null,
        roles text[] not null,
        person_id uuid,
        category text not null,
        paths text not null,
        outcome text not null check (outcome in ('RELEASED', 'WITHHELD')),
        basis_kind text,
        basis_id text,
        prev_hash bytea not null,
        hash bytea not null
      )`);
    await q.query(`create index event_person on audit.event (person_id, seq)`);
    await q.query(`create index event_sub on audit.event (sub, seq)`);
    await q.query(`create index event_basis on audit.event (basis_id) where basis_kind = 'JUSTIFICATION'`);

    // The canonical text is what `harbour audit verify` recomputes (for rows before the keyed rule).
    await q.query(chainFunction(`public.digest(new.prev_hash || convert_to(concat_ws(E'\\x1f', new.seq::text,
                      to_char(new.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), new.request_id, new.sub, new.agency,
                      array_to_string(new.roles, ','), coalesce(new.person_id::text, ''), new.category, new.paths, new.outcome,
                      coalesce(new.basis_kind, ''), coalesce(new.basis_id, '')), 'UTF8'), 'sha256')`));
    await q.query(`create trigger event_chain before insert on audit.event for each row execute function audit.chain()`);
    await q.query(`
      create function audit.refuse() returns trigger language plpgsql as $$
      begin
        raise exception 'audit.event is append-only' using errcode = 'insufficient_privilege';
      end $$`);
    await q.query(`create trigger event_append_only before update or delete on audit.event for each row execute function audit.refuse()`);
    await q.query(`create trigger event_no_truncate before truncate on audit.event for each statement execute function audit.refuse()`);

    // The role the hub writes the audit as: it may read, and insert the content columns only.
    await q.query(`
      do $$ begin
        if not exists (select from pg_roles where rolname = 'harbour_audit_writer') then create role harbour_audit_writer nologin; end if;
      end $$`);
    await q.query(`grant harbour_audit_writer to current_user`);
    await q.query(`grant usage on schema audit to harbour_audit_writer`);
    await q.query(`grant select on audit.event to harbour_audit_writer`);
    await q.query(`grant insert (request_id, sub, agency, roles, person_id, category, paths, outcome, basis_kind, basis_id) on audit.event to harbour_audit_writer`);
    // One request's decisions in one call, with the audit role's rights only (security definer, owned by it).
    await q.query(`
      create function audit.append(request_id text, sub text, agency text, roles text[], person_ids uuid[], categories text[],
                                   paths text[], outcomes text[], basis_kinds text[], basis_ids text[])
      returns void language sql security definer set search_path = pg_catalog as $$
        insert into audit.event (request_id, sub, agency, roles, person_id, category, paths, outcome, basis_kind, basis_id)
        select request_id, sub, agency, roles, t.p, t.c, t.pa, t.o, t.bk, t.bi
          from unnest(person_ids, categories, paths, outcomes, basis_kinds, basis_ids) with ordinality as t (p, c, pa, o, bk, bi, n)
         order by t.n
      $$`);
    // A new owner needs CREATE on the schema at the moment of the change (unless we are superuser); only then.
    await q.query(`grant create on schema audit to harbour_audit_writer`);
    await q.query(`alter function audit.append(text, text, text, text[], uuid[], text[], text[], text[], text[], text[]) owner to harbour_audit_writer`);
    await q.query(`revoke create on schema audit from harbour_audit_writer`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop function if exists audit.append(text, text, text, text[], uuid[], text[], text[], text[], text[], text[])`);
    await q.query(`revoke all on audit.event from harbour_audit_writer`);
    await q.query(`revoke usage on schema audit from harbour_audit_writer`);
    await q.query(`drop table audit.event`);
    await q.query(`drop function audit.chain(), audit.refuse()`);
    await q.query(`drop table access.justification`);
  }
}
