/** Small helpers every subgraph's loaders use. */
import DataLoader from 'dataloader';
import type { RequestContext } from '../context';
import type { DataCategory, Owned } from '../access';
import type { Db } from '../db';
import { isUuid } from '../ids';

/** Rows grouped under their keys, in key order (what a DataLoader batch must return). */
export function groupBy<T>(keys: readonly string[], rows: readonly T[], keyOf: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>(keys.map((k) => [k, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((k) => groups.get(k)!);
}

/**
 * A loader of lists by key: `sql` takes the keys as `$1` (an array) and returns rows carrying
 * the key in `keyColumn`; one query per batch.
 */
export function listLoader<Row extends object, Out>(db: Db, sql: string, keyColumn: keyof Row & string, map: (row: Row) => Out) {
  return new DataLoader<string, Out[]>(async (keys) => {
    const rows = await db.query<Row>(sql, [keys]);
    return groupBy(keys, rows, (r) => String(r[keyColumn] as unknown)).map((group) => group.map(map));
  });
}

/** Per-request loaders of one subgraph: `perRequestLoaders(create)(ctx)`. */
export function perRequestLoaders<T>(create: (db: Db, ctx: RequestContext) => T): (ctx: RequestContext) => T {
  const key = Symbol('loaders');
  return (ctx) => ctx.perRequest(key, () => create(ctx.db, ctx));
}

/** A row as `json_agg` or `json_build_object` gives it: its timestamps as text. */
export type JsonRow<Row> = { [K in keyof Row]: Row[K] extends Date ? string : Row[K] extends Date | null ? string | null : Row[K] };

/** A JSON row with the named timestamp columns made Dates again (null stays null). */
export function withDates<Row>(row: JsonRow<Row>, keys: readonly (keyof Row)[]): Row {
  const out = { ...row } as Record<keyof Row, unknown>;
  for (const key of keys) if (out[key] !== null) out[key] = new Date(out[key] as string);
  return out as Row;
}

/**
 * The person index: every subgraph finds a person's facts through the source identities of
 * that person (`identity.source_identity`, read-only outside the identity subgraph), so a merge
 * or split of persons needs no write outside the identity schema.
 */
export const PERSON_OF_SOURCE = 'join identity.source_identity si on si.id = t.source_identity_id and si.person_id = any($1::uuid[])';

/**
 * The surviving person of a person id (a merged-away id resolves to its survivor), or null when
 * there is no such person. One step suffices: `rebuildPersons` re-points every `replaced_by` at
 * the final survivor when a survivor is itself merged away.
 */
export async function survivorOf(db: Db, id: string): Promise<string | null> {
  if (!isUuid(id)) return null;
  const [row] = await db.query<{ id: string }>(`select coalesce(replaced_by, id) as id from identity.person where id = $1`, [id]);
  return row?.id ?? null;
}

/**
 * An agency's record of several guarded lists (`Person.police`, `immigration`, `care`), or null
 * unless the caller may see at least one of its items: its own, or one of a category released to
 * it. "None" and "not allowed" look alike, for the record as for its lists.
 */
export async function visibleRecord<T>(ctx: RequestContext, personId: string, record: T | null, parts: (record: T) => [DataCategory, readonly Owned[]][]): Promise<T | null> {
  if (!record) return null;
  for (const [category, items] of parts(record)) {
    if (items.length === 0) continue;
    if (items.some((item) => item.ownerAgency !== undefined && item.ownerAgency === ctx.access.own)) return record;
    if ((await ctx.access.decide(personId, undefined, category)).kind === 'RELEASED') return record;
  }
  return null;
}
