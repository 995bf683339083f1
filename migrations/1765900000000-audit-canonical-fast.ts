import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The chain trigger's canonical text, the same text made faster. `audit.field` and
 * `audit.canonical` (AuditKeyed1765186400000) each pinned `search_path`, and a function with a
 * SET clause is never inlined and switches the setting on every call: thirteen such calls a row
 * cost about 75–125 µs, under the chain's lock, so every concurrent writer waited on them. Now
 * neither has a SET clause; every function, type and operator in them is schema-qualified instead
 * (so a caller's search_path still cannot reach in), `field` can be inlined and, in a UTF-8
 * database, takes the byte length without converting, and the roles are folded in a loop. Same text to the byte: the hashes of rows already written are unchanged, and `harbour
 * audit verify` (which computes the text in the hub, src/access/audit.ts) is the check.
 */
const FIELD = (body: string) => `
  create or replace function audit.field(value text) returns text language sql immutable parallel safe${body}`;

export class AuditCanonicalFast1765900000000 implements MigrationInterface {
  name = 'AuditCanonicalFast1765900000000';

  async up(q: QueryRunner): Promise<void> {
    // The length in UTF-8 bytes: in a UTF-8 database, the text's own length in bytes (convert_to
    // copies the value and looks up the conversion every call: 9 µs of the field's 10).
    const [row] = (await q.query(`select pg_catalog.pg_encoding_to_char(encoding) = 'UTF8' as utf8 from pg_catalog.pg_database where datname = current_database()`)) as { utf8: boolean }[];
    const bytes = row?.utf8 ? 'pg_catalog.octet_length(value)' : `pg_catalog.octet_length(pg_catalog.convert_to(value, 'UTF8'))`;
    await q.query(FIELD(` as $$
        select coalesce(${bytes}::pg_catalog.text operator(pg_catalog.||) ':' operator(pg_catalog.||) value, '-')
      $$`));
    await q.query(`
      create or replace function audit.canonical(e audit.event) returns text language plpgsql stable parallel safe as $$
      declare
        roles pg_catalog.text := '';
        r pg_catalog.text;
      begin
        foreach r in array coalesce(e.roles, '{}') loop
          roles := roles operator(pg_catalog.||) audit.field(r);
        end loop;
        return audit.field(e.seq::pg_catalog.text)
          operator(pg_catalog.||) audit.field(pg_catalog.to_char(e.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
          operator(pg_catalog.||) audit.field(e.request_id) operator(pg_catalog.||) audit.field(e.sub) operator(pg_catalog.||) audit.field(e.agency)
          operator(pg_catalog.||) audit.field(roles) operator(pg_catalog.||) audit.field(e.person_id::pg_catalog.text)
          operator(pg_catalog.||) audit.field(e.category) operator(pg_catalog.||) audit.field(e.paths) operator(pg_catalog.||) audit.field(e.outcome)
          operator(pg_catalog.||) audit.field(e.basis_kind) operator(pg_catalog.||) audit.field(e.basis_id);
      end $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(FIELD(` set search_path = pg_catalog as $$
        select coalesce(octet_length(convert_to(value, 'UTF8'))::text || ':' || value, '-')
      $$`));
    await q.query(`
      create or replace function audit.canonical(e audit.event) returns text language sql stable parallel safe set search_path = pg_catalog as $$
        select audit.field(e.seq::text) || audit.field(to_char(e.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
            || audit.field(e.request_id) || audit.field(e.sub) || audit.field(e.agency)
            || audit.field(coalesce((select string_agg(audit.field(r), '' order by n) from unnest(e.roles) with ordinality as t (r, n)), ''))
            || audit.field(e.person_id::text) || audit.field(e.category) || audit.field(e.paths) || audit.field(e.outcome)
            || audit.field(e.basis_kind) || audit.field(e.basis_id)
      $$`);
  }
}
