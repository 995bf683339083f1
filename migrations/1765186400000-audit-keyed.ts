import type { MigrationInterface, QueryRunner } from 'typeorm';
import { chainFunction } from './1764460800000-access';

/**
 * The keyed audit chain (issue 22). A superuser can recompute an unkeyed chain after rewriting,
 * deleting or appending rows, so each event now carries `mac`: HMAC-SHA256 of its content under
 * the audit key, which the hub holds and the database never does (src/access/audit.ts). The
 * trigger folds the MAC into the chain: hash = sha256(prev_hash ‖ canonical text ‖ mac), and
 * refuses a row without one. The canonical text is unambiguous: every field is length-prefixed
 * (`audit.field`: `<bytes>:<value>`, `-` for null), so no value (a `sub` holding the old
 * separator \x1f, say) can make two rows read the same.
 *
 * Rows written before this migration keep the unkeyed rule they were hashed under; `harbour audit
 * verify` accepts such rows only before the first keyed one. There is no down: events written
 * under the keyed rule cannot be hashed again under the old one without rewriting the audit.
 */
export class AuditKeyed1765186400000 implements MigrationInterface {
  name = 'AuditKeyed1765186400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table audit.event add column mac bytea`);
    await q.query(`
      create function audit.field(value text) returns text language sql immutable parallel safe set search_path = pg_catalog as $$
        select coalesce(octet_length(convert_to(value, 'UTF8'))::text || ':' || value, '-')
      $$`);
    // What the chain hashes of a row, before its MAC; `canonical` in src/access/audit.ts is the same.
    await q.query(`
      create function audit.canonical(e audit.event) returns text language sql stable parallel safe set search_path = pg_catalog as $$
        select audit.field(e.seq::text) || audit.field(to_char(e.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
            || audit.field(e.request_id) || audit.field(e.sub) || audit.field(e.agency)
            || audit.field(coalesce((select string_agg(audit.field(r), '' order by n) from unnest(e.roles) with ordinality as t (r, n)), ''))
            || audit.field(e.person_id::text) || audit.field(e.category) || audit.field(e.paths) || audit.field(e.outcome)
            || audit.field(e.basis_kind) || audit.field(e.basis_id)
      $$`);
    await q.query(chainFunction(`public.digest(new.prev_hash || convert_to(audit.canonical(new), 'UTF8') || new.mac, 'sha256')`, `
        if new.mac is null or octet_length(new.mac) <> 32 then
          raise exception 'audit.event needs the 32-byte MAC of its content' using errcode = 'not_null_violation';
        end if;`));
    await q.query(`grant insert (mac) on audit.event to harbour_audit_writer`);
    await q.query(`drop function audit.append(text, text, text, text[], uuid[], text[], text[], text[], text[], text[])`);
    await q.query(`
      create function audit.append(request_id text, sub text, agency text, roles text[], person_ids uuid[], categories text[],
                                   paths text[], outcomes text[], basis_kinds text[], basis_ids text[], macs bytea[])
      returns void language sql security definer set search_path = pg_catalog as $$
        insert into audit.event (request_id, sub, agency, roles, person_id, category, paths, outcome, basis_kind, basis_id, mac)
        select request_id, sub, agency, roles, t.p, t.c, t.pa, t.o, t.bk, t.bi, t.m
          from unnest(person_ids, categories, paths, outcomes, basis_kinds, basis_ids, macs) with ordinality as t (p, c, pa, o, bk, bi, m, n)
         order by t.n
      $$`);
    await q.query(`grant create on schema audit to harbour_audit_writer`);
    await q.query(`alter function audit.append(text, text, text, text[], uuid[], text[], text[], text[], text[], text[], bytea[]) owner to harbour_audit_writer`);
    await q.query(`revoke create on schema audit from harbour_audit_writer`);
  }

  async down(): Promise<void> {
    throw new Error('AuditKeyed1765186400000 cannot be undone: keyed events cannot be hashed again under the unkeyed rule without rewriting the audit');
  }
}
