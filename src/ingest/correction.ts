/**
 * Rectification: a source that sends a record again with a changed name, date of birth or
 * identifier has corrected it. The new facts replace the old ones (the appliers do that), and the
 * correction itself is noted in `identity.correction` — which facts changed, never their values —
 * so that the chronology says a correction was made without keeping what was wrong.
 */
import type { Db } from '../db';

/** A digest of each kind of fact an identity's own record holds (null when it holds none of that kind). */
export interface FactDigest { id: string; name: string | null; dob: string | null; identifier: string | null }

/** The facts a correction names, as the chronology says them. */
const FIELDS: readonly [keyof Omit<FactDigest, 'id'>, string][] = [['name', 'name'], ['dob', 'date of birth'], ['identifier', 'identifier']];

/**
 * Digests of the facts that `localIds` of the agency's feed hold from their own record: an LA's
 * aliases, contacts and linked identifiers are records of their own (their `record_key` names
 * them), and a change to them is not a change to the person record.
 */
export async function factDigests(db: Db, agency: string, feed: string, localIds: readonly string[]): Promise<Map<string, FactDigest>> {
  const own = `f.source_identity_id = s.id and f.retracted_at is null and (f.record_key is null or f.record_key = 'person:' || s.local_id)`;
  const rows = await db.query<FactDigest>(
    `select s.id,
            (select md5(string_agg(concat_ws('|', f.kind, f.given, f.family, f.full_name, f.original_script), ',' order by f.ordinal, f.kind, f.given, f.family, f.full_name)) from identity.name f where ${own}) as name,
            (select md5(string_agg(f.value::text || '|' || f.precision, ',' order by f.value, f.precision)) from identity.birth_date f where ${own}) as dob,
            (select md5(string_agg(f.scheme || '|' || f.canonical, ',' order by f.scheme, f.canonical)) from identity.identifier f where ${own} and f.scheme <> 'LA_CHILD_ID') as identifier
       from identity.source_identity s where s.agency = $1 and s.feed = $2 and s.local_id = any($3::text[])`,
    [agency, feed, localIds],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/** Note a correction for each identity whose facts of a kind it held before are now different; returns how many. */
export async function noteCorrections(db: Db, before: ReadonlyMap<string, FactDigest>, after: ReadonlyMap<string, FactDigest>): Promise<number> {
  const ids: string[] = [];
  const fields: string[] = [];
  for (const [id, was] of before) {
    const now = after.get(id);
    const changed = FIELDS.filter(([k]) => was[k] !== null && was[k] !== (now?.[k] ?? null)).map(([, words]) => words);
    if (!changed.length) continue;
    ids.push(id);
    fields.push(JSON.stringify(changed));
  }
  if (!ids.length) return 0;
  await db.query(
    `insert into identity.correction (source_identity_id, fields) select s, array(select jsonb_array_elements_text(f::jsonb)) from unnest($1::uuid[], $2::text[]) as t(s, f)`,
    [ids, fields],
  );
  return ids.length;
}
