/**
 * The store's side of matching: source identities as match records, their blocking keys kept in
 * step with their facts (`identity.match_dirty`, filled by triggers, drained here), and the
 * frequencies that demote shared values and common name tokens.
 */
import type { Db } from '../db';
import { blockingKeys, valueKeys } from '../matching';
import { prepare, type MatchRecord, type PreparedRecord } from '../matching';
import { TOKEN_LEVELS, type Frequencies } from '../matching';
import { MatchModel, type GradeThresholds, type ModelParameters } from '../matching';
import { DEFAULT_PARAMETERS } from '../matching';

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
  // One statement (one round trip, inside a transaction or not): each fact list as a JSON array,
  // aggregated per table for all the ids at once and joined (a dedupe chunk loads ~50k records:
  // five correlated subqueries per record took about 1.6 times as long).
  const rows = await db.query<{
    id: string; person_id: string; agency: string; sex: string | null; nationality: string | null;
    names: string[] | null; dobs: StoredRecord['dobs'] | null; identifiers: StoredRecord['identifiers'] | null; biometrics: StoredRecord['biometrics'] | null; contacts: string[] | null;
  }>(
    `with n as (select n.source_identity_id as id, json_agg(x.name order by n.ordinal, n.id, x.k) as names from identity.name n
                  cross join lateral (values (coalesce(n.full_name, nullif(concat_ws(' ', n.given, n.family), '')), 0), (n.original_script, 1)) as x(name, k)
                 where n.source_identity_id = any($1::uuid[]) and n.retracted_at is null and x.name is not null group by 1),
          b as (select b.source_identity_id as id, json_agg(json_build_object('value', to_char(b.value, 'YYYY-MM-DD'), 'precision', b.precision)) as dobs
                  from identity.birth_date b where b.source_identity_id = any($1::uuid[]) and b.retracted_at is null group by 1),
          i as (select i.source_identity_id as id, json_agg(json_build_object('scheme', i.scheme, 'value', i.canonical, 'verified', i.check_status = 'VALID')) as identifiers
                  from identity.identifier i where i.source_identity_id = any($1::uuid[]) and i.retracted_at is null group by 1),
          r as (select r.source_identity_id as id, json_agg(json_build_object('repository', r.repository, 'reference', r.reference, 'modality', r.modality)) as biometrics
                  from identity.biometric_reference r where r.source_identity_id = any($1::uuid[]) and r.retracted_at is null group by 1),
          c as (select c.source_identity_id as id, json_agg(c.canonical) as contacts
                  from identity.contact_point c where c.source_identity_id = any($1::uuid[]) and c.retracted_at is null group by 1)
     select s.id, s.person_id, s.agency, s.sex, s.nationality, n.names, b.dobs, i.identifiers, r.biometrics, c.contacts
       from identity.source_identity s
       left join n on n.id = s.id left join b on b.id = s.id left join i on i.id = s.id left join r on r.id = s.id left join c on c.id = s.id
      where s.id = any($1::uuid[]) and s.retracted_at is null`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, {
    id: r.id, personId: r.person_id, agency: r.agency, sex: r.sex ? SEX[r.sex] ?? null : null, nationality: r.nationality,
    names: r.names ?? [], dobs: r.dobs ?? [], identifiers: r.identifiers ?? [], biometrics: r.biometrics ?? [], contacts: r.contacts ?? [],
  }]));
}

/**
 * Bring the blocking keys of every identity whose facts changed since the last call (in the
 * caller's transaction) up to date, keep the token vocabulary's counts in step, and return those
 * identities. Only the difference is written: a batch that adds one contact to identities keyed a
 * batch earlier (LA person details come file by file) inserts one key each, not all of them again.
 * With `limit`, at most that many (a bulk load drains the set in chunks). The prepared records
 * are left in `prepared`, for the caller to match them without loading them again.
 */
export async function refreshMatchKeys(db: Db, limit?: number, prepared?: Map<string, PreparedRecord>): Promise<string[]> {
  const dirty = (await db.query<{ source_identity_id: string }>(
    limit === undefined
      ? `delete from identity.match_dirty returning source_identity_id`
      : `delete from identity.match_dirty where source_identity_id in (select source_identity_id from identity.match_dirty limit $1) returning source_identity_id`,
    limit === undefined ? [] : [limit],
  )).map((r) => r.source_identity_id);
  if (!dirty.length) return [];
  // A new version for each identity re-keyed that match on arrival may hold in memory: those of
  // persons with an open missing episode (identity.open_missing, spelt out for the indexes). Not
  // every identity: most belong to no missing child, and rewriting their rows is work for nothing.
  await db.query(
    `update identity.source_identity s set keys_version = nextval('identity.keys_version')
      where s.id = any($1::uuid[])
        and exists (select 1 from identity.source_identity o
                     where o.person_id = s.person_id
                       and (exists (select 1 from care.missing_episode m where m.source_identity_id = o.id and m.ended_at is null and m.retracted_at is null)
                         or exists (select 1 from police.missing_report r where r.source_identity_id = o.id and r.found_at is null and r.retracted_at is null)))`,
    [dirty],
  );
  const records = await loadRecords(db, dirty);
  const wanted = new Map([...records.values()].map((r) => {
    const record = prepare(r);
    prepared?.set(r.id, record);
    return [r.id, new Set(blockingKeys(record))];
  }));
  // A retracted identity has no record: all its keys go.
  const existing = await db.query<{ row: string; source_identity_id: string; key: string }>(
    `select ctid::text as row, source_identity_id, key from identity.match_token where source_identity_id = any($1::uuid[])`,
    [dirty],
  );
  const gone: { row: string; key: string }[] = [];
  for (const e of existing) {
    const keys = wanted.get(e.source_identity_id);
    if (keys?.delete(e.key)) continue; // kept; what remains in `wanted` is new
    gone.push(e);
  }
  const ids: string[] = [];
  const keys: string[] = [];
  for (const [id, set] of wanted) {
    for (const key of set) {
      ids.push(id);
      keys.push(key);
    }
  }
  const tokens = (list: readonly string[]) => list.filter((k) => k.startsWith('t:'));
  if (gone.length) {
    // By row address (read above, in this transaction): no plan to go wrong on a growing table.
    await db.query(`delete from identity.match_token where ctid = any($1::tid[])`, [gone.map((g) => g.row)]);
    const goneTokens = tokens(gone.map((g) => g.key));
    if (goneTokens.length) {
      await db.query(
        `update identity.match_vocabulary v set n = v.n - g.c
           from (select substr(k, 3) as token, count(*)::int as c from unnest($1::text[]) as k group by 1) g where v.token = g.token`,
        [goneTokens],
      );
      // A token no record holds any more leaves the vocabulary (a name corrected at source).
      await db.query(`delete from identity.match_vocabulary where token = any($1::text[]) and n <= 0`, [goneTokens.map((k) => k.slice(2))]);
    }
  }
  if (keys.length) {
    await db.query(`insert into identity.match_token (source_identity_id, key) select * from unnest($1::uuid[], $2::text[])`, [ids, keys]);
    const newTokens = tokens(keys);
    if (newTokens.length) {
      await db.query(
        `insert into identity.match_vocabulary (token, n)
         select substr(k, 3), count(*) from unnest($1::text[]) as k group by 1
         on conflict (token) do update set n = identity.match_vocabulary.n + excluded.n`,
        [newTokens],
      );
    }
  }
  return [...records.keys()];
}

/**
 * Re-key every current identity (after `KEYS_VERSION` changed): all are marked and their keys
 * rewritten a chunk at a time, each chunk in its own transaction. Returns how many.
 */
export async function rekeyStore(db: Db, onProgress?: (done: number) => void, chunk = 20000): Promise<number> {
  await db.query(`insert into identity.match_dirty (source_identity_id) select id from identity.source_identity where retracted_at is null on conflict do nothing`);
  let done = 0;
  for (;;) {
    const n = (await db.transaction((tx) => refreshMatchKeys(tx, chunk))).length;
    if (n === 0) return done;
    done += n;
    onProgress?.(done);
  }
}

/**
 * Frequencies for scoring against the store: how many identities hold each exact value of the
 * records at hand, and each name token's share of all name tokens (from the vocabulary).
 */
export async function storeFrequencies(db: Db, records: readonly PreparedRecord[]): Promise<Frequencies> {
  const keys = [...new Set(records.flatMap((r) => valueKeys(r.source)))].map((v) => `x:${v}`);
  const tokens = [...new Set(records.flatMap((r) => r.names.flatMap((n) => n.map((t) => t.text))))];
  // One after another: the caller may be inside a transaction (match on arrival).
  // A count per key by its index: `key = any(…)` with a chunk's keys made the planner scan the
  // whole table (3.3 s for 15k keys at 1M identities; 66 ms this way).
  const counts = keys.length
    ? await db.query<{ key: string; n: number }>(`select k.key, (select count(*) from identity.match_token m where m.key = k.key)::int as n from unnest($1::text[]) as k(key)`, [keys])
    : [];
  const vocab = tokens.length ? await db.query<{ token: string; n: number }>(`select token, n from identity.match_vocabulary where token = any($1::text[])`, [tokens]) : [];
  const [total] = await db.query<{ n: number }>(`select coalesce(sum(n), 0)::int as n from identity.match_vocabulary`);
  // The planner's row estimate where there is one (no scan at 1M identities); a count where not yet.
  const [identities] = await db.query<{ n: number }>(
    `select case when c.reltuples > 0 then c.reltuples::int else (select count(*)::int from identity.source_identity) end as n from pg_class c where c.oid = 'identity.source_identity'::regclass`,
  );
  return frequencies(new Map(counts.map((c) => [c.key.slice(2), c.n])), new Map(vocab.map((v) => [v.token, v.n])), total?.n ?? 0, identities?.n);
}

/** Frequencies from value counts (`kind:value` → identities), token counts and the number of records. */
export function frequencies(values: ReadonlyMap<string, number>, tokens: ReadonlyMap<string, number>, totalTokens: number, records?: number): Frequencies {
  return {
    records,
    valueCount: (key) => values.get(key) ?? 0,
    tokenFrequency: (token) => {
      const n = tokens.get(token);
      // Too little data to know a token's frequency: use the model's average.
      return n === undefined || totalTokens < 1000 ? undefined : n / totalTokens;
    },
  };
}

/**
 * The model in use: the latest trained parameters stored, else the defaults shipped with the code.
 * Parameters trained before the model had a prior per candidate source and a family term are
 * stale (their m were not probabilities), and so are parameters with other name levels than the
 * comparator's (trained before the learned name distance): the defaults serve until `match train`
 * runs again.
 */
export async function currentModel(db: Db, thresholds: GradeThresholds): Promise<MatchModel> {
  const [row] = await db.query<{ parameters: ModelParameters }>(`select parameters from identity.match_model order by trained_at desc limit 1`);
  const current = row?.parameters.priors && row.parameters.family && TOKEN_LEVELS.every((level) => level in row.parameters.fields.name);
  return new MatchModel(current ? row.parameters : DEFAULT_PARAMETERS, thresholds);
}
