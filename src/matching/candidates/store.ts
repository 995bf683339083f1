/**
 * The store's side of matching: source identities as match records, their blocking keys kept in
 * step with their facts (`identity.match_dirty`, filled by triggers, drained here), and the
 * frequencies that demote shared values and common name tokens.
 */
import type { Db } from '../../db';
import { blockingKeys, valueKeys } from '../keys';
import { prepare, type MatchRecord, type PreparedRecord } from '../record';
import type { Frequencies } from '../compare';
import { MatchModel, type GradeThresholds, type ModelParameters } from '../model';
import { DEFAULT_PARAMETERS } from '../parameters';

const SEX: Record<string, 'M' | 'F' | null> = { MALE: 'M', FEMALE: 'F', OTHER: null, UNKNOWN: null };

/** A source identity as a match record, with its person and agency. */
export interface StoredRecord extends MatchRecord {
  readonly personId: string;
  readonly agency: string;
  readonly names: string[];
  readonly dobs: { value: string; precision: 'DAY' | 'MONTH' | 'YEAR' }[];
  readonly identifiers: { scheme: string; value: string; verified: boolean }[];
  readonly biometrics: { repository: string; reference: string; modality: string }[];
  readonly contacts: string[];
}

/** Current (not retracted) source identities as match records, by id; unknown and retracted ids are left out. */
export async function loadRecords(db: Db, ids: readonly string[]): Promise<Map<string, StoredRecord>> {
  if (!ids.length) return new Map();
  // One after another: inside a transaction they share one connection anyway.
  const identities = await db.query<{ id: string; person_id: string; agency: string; sex: string | null; nationality: string | null }>(
    `select id, person_id, agency, sex, nationality from identity.source_identity where id = any($1::uuid[]) and retracted_at is null`, [ids]);
  const names = await db.query<{ source_identity_id: string; given: string | null; family: string | null; full_name: string | null; original_script: string | null }>(
    `select source_identity_id, given, family, full_name, original_script from identity.name where source_identity_id = any($1::uuid[]) and retracted_at is null order by ordinal, id`, [ids]);
  const dobs = await db.query<{ source_identity_id: string; value: string; precision: 'DAY' | 'MONTH' | 'YEAR' }>(
    `select source_identity_id, to_char(value, 'YYYY-MM-DD') as value, precision from identity.birth_date where source_identity_id = any($1::uuid[]) and retracted_at is null`, [ids]);
  const identifiers = await db.query<{ source_identity_id: string; scheme: string; canonical: string; check_status: string }>(
    `select source_identity_id, scheme, canonical, check_status from identity.identifier where source_identity_id = any($1::uuid[]) and retracted_at is null`, [ids]);
  const biometrics = await db.query<{ source_identity_id: string; modality: string; repository: string; reference: string }>(
    `select source_identity_id, modality, repository, reference from identity.biometric_reference where source_identity_id = any($1::uuid[]) and retracted_at is null`, [ids]);
  const contacts = await db.query<{ source_identity_id: string; canonical: string }>(
    `select source_identity_id, canonical from identity.contact_point where source_identity_id = any($1::uuid[]) and retracted_at is null`, [ids]);
  const records = new Map<string, StoredRecord>();
  for (const i of identities) {
    records.set(i.id, { id: i.id, personId: i.person_id, agency: i.agency, names: [], dobs: [], sex: i.sex ? SEX[i.sex] ?? null : null, nationality: i.nationality, identifiers: [], biometrics: [], contacts: [] });
  }
  for (const n of names) {
    const r = records.get(n.source_identity_id);
    if (!r) continue;
    const written = n.full_name ?? [n.given, n.family].filter(Boolean).join(' ');
    if (written) r.names.push(written);
    if (n.original_script) r.names.push(n.original_script);
  }
  for (const d of dobs) records.get(d.source_identity_id)?.dobs.push({ value: d.value, precision: d.precision });
  for (const x of identifiers) records.get(x.source_identity_id)?.identifiers.push({ scheme: x.scheme, value: x.canonical, verified: x.check_status === 'VALID' });
  for (const b of biometrics) records.get(b.source_identity_id)?.biometrics.push({ repository: b.repository, reference: b.reference, modality: b.modality });
  for (const c of contacts) records.get(c.source_identity_id)?.contacts.push(c.canonical);
  return records;
}

/**
 * Rewrite the blocking keys of every identity whose facts changed since the last call (in the
 * caller's transaction), keep the token vocabulary's counts in step, and return those identities.
 */
export async function refreshMatchKeys(db: Db): Promise<string[]> {
  const dirty = (await db.query<{ source_identity_id: string }>(`delete from identity.match_dirty returning source_identity_id`)).map((r) => r.source_identity_id);
  if (!dirty.length) return [];
  await db.query(
    `with gone as (delete from identity.match_token where source_identity_id = any($1::uuid[]) returning key)
     update identity.match_vocabulary v set n = v.n - g.c
       from (select substr(key, 3) as token, count(*)::int as c from gone where key like 't:%' group by 1) g where v.token = g.token`,
    [dirty],
  );
  const records = await loadRecords(db, dirty);
  const ids: string[] = [];
  const keys: string[] = [];
  for (const r of records.values()) {
    for (const key of blockingKeys(prepare(r))) {
      ids.push(r.id);
      keys.push(key);
    }
  }
  if (keys.length) {
    await db.query(`insert into identity.match_token (source_identity_id, key) select * from unnest($1::uuid[], $2::text[])`, [ids, keys]);
    await db.query(
      `insert into identity.match_vocabulary (token, n)
       select substr(k, 3), count(*) from unnest($1::text[]) as k where k like 't:%' group by 1
       on conflict (token) do update set n = identity.match_vocabulary.n + excluded.n`,
      [keys],
    );
  }
  return [...records.keys()];
}

/**
 * Frequencies for scoring against the store: how many identities hold each exact value of the
 * records at hand, and each name token's share of all name tokens (from the vocabulary).
 */
export async function storeFrequencies(db: Db, records: readonly PreparedRecord[]): Promise<Frequencies> {
  const keys = [...new Set(records.flatMap((r) => valueKeys(r.source)))].map((v) => `x:${v}`);
  const tokens = [...new Set(records.flatMap((r) => r.names.flatMap((n) => n.map((t) => t.text))))];
  // One after another: the caller may be inside a transaction (match on arrival).
  const counts = keys.length ? await db.query<{ key: string; n: number }>(`select key, count(*)::int as n from identity.match_token where key = any($1::text[]) group by key`, [keys]) : [];
  const vocab = tokens.length ? await db.query<{ token: string; n: number }>(`select token, n from identity.match_vocabulary where token = any($1::text[])`, [tokens]) : [];
  const [total] = await db.query<{ n: number }>(`select coalesce(sum(n), 0)::int as n from identity.match_vocabulary`);
  return frequencies(new Map(counts.map((c) => [c.key.slice(2), c.n])), new Map(vocab.map((v) => [v.token, v.n])), total?.n ?? 0);
}

/** Frequencies from value counts (`kind:value` → identities) and token counts. */
export function frequencies(values: ReadonlyMap<string, number>, tokens: ReadonlyMap<string, number>, totalTokens: number): Frequencies {
  return {
    valueCount: (key) => values.get(key) ?? 0,
    tokenFrequency: (token) => {
      const n = tokens.get(token);
      // Too little data to know a token's frequency: use the model's average.
      return n === undefined || totalTokens < 1000 ? undefined : n / totalTokens;
    },
  };
}

/** The model in use: the latest trained parameters stored, else the defaults shipped with the code. */
export async function currentModel(db: Db, thresholds: GradeThresholds): Promise<MatchModel> {
  const [row] = await db.query<{ parameters: ModelParameters }>(`select parameters from identity.match_model order by trained_at desc limit 1`);
  return new MatchModel(row?.parameters ?? DEFAULT_PARAMETERS, thresholds);
}
