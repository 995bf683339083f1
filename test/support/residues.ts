/** The DPO's scan: every table of every schema whose rows, as text, hold a value. */
import type { Db } from '../../src/db';

/** The tables (`schema.table`) holding `value` anywhere in a row (case-insensitive): residues. */
export async function residues(db: Db, value: string): Promise<string[]> {
  const tables = await db.query<{ t: string }>(
    `select format('%I.%I', schemaname, tablename) as t from pg_tables where schemaname not in ('pg_catalog', 'information_schema')`);
  const found: string[] = [];
  for (const { t } of tables) {
    const [row] = await db.query<{ n: number }>(`select count(*)::int as n from ${t} x where x::text ilike '%' || $1 || '%'`, [value]);
    if (row!.n > 0) found.push(t);
  }
  return found;
}

/** For each named value, the tables still holding it; `{}` when none does. */
export async function residuesOf(db: Db, values: Record<string, string>): Promise<Record<string, string[]>> {
  const left: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(values)) {
    const tables = await residues(db, value);
    if (tables.length) left[name] = tables;
  }
  return left;
}
