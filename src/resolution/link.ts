/**
 * Linking two sets of person records, or deduplicating one, with the production candidate
 * generation and model, in bounded memory. Records are added in batches to a scratch schema of
 * their own: each record (as JSON), its blocking keys, and counts of its exact values and name
 * tokens. The pairs are then made a chunk of left records at a time (by id), read from a cursor
 * ordered by the right record, scored with frequencies from all the records (looked up as the
 * chunk needs them), and handed on chunk by chunk. Nothing holds all records or all pairs: what a
 * chunk holds is its left records, one fetch of candidate pairs with their right records (two: the
 * next is read while one is scored), the counts it looked up, and its pairs graded possible or
 * better. The next chunk's statement runs in the server, on a second connection, while this
 * process scores the chunk before: at most two chunks are open at once.
 *
 * Measured (5,000 × 5,000 generated records, 676k candidate pairs): the former version, which
 * scored every candidate pair in one array before dropping the CERTAINLY_NOT ones, peaked at
 * 967 MB RSS, about 1 KB of Score per candidate pair.
 *
 * The scratch schema is dropped afterwards, whatever happens.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { processAlive, type Db } from '../db';
import { blockingKeys, valueKeys } from '../matching';
import type { MatchModel, Score } from '../matching';
import { prepare, type MatchRecord, type PreparedRecord } from '../matching';
import { candidatePairsQuery, createPairSpace, indexPairSpace, type PairSpace } from './pairs';
import { frequencies } from './store';

export interface LinkedPair {
  readonly left: string;
  readonly right: string;
  readonly score: Pick<Score, 'weight' | 'probability' | 'grade' | 'reasons'>;
}

export interface LinkProgress {
  /** Left records whose pairs are done. */
  readonly done: number;
  readonly total: number;
  readonly candidates: number;
  /** Pairs graded possible or better. */
  readonly pairs: number;
}

export interface LinkOptions {
  /** Left records per chunk. @default 2000 */
  readonly chunk?: number;
  /** Candidate pairs per fetch from the cursor. @default 5000 */
  readonly fetch?: number;
  readonly onProgress?: (progress: LinkProgress) => void;
}

export interface ScratchLinkage {
  /**
   * Add a batch of records to a side (`L`; `R` when linking). Returns, for each record, whether it
   * was taken: not when a record with its id is on that side already.
   */
  add(side: 'L' | 'R', records: readonly MatchRecord[]): Promise<boolean[]>;
  /**
   * Score the candidate pairs and hand those graded possible or better to `write`, a chunk at a
   * time: chunks by left id (code point order), each chunk's pairs by left id, then weight
   * (highest first), then right id. Call once, after every record is added.
   */
  pairs(model: MatchModel, write: (pairs: LinkedPair[]) => Promise<void>, options?: LinkOptions): Promise<LinkProgress>;
}

/** Frequencies of the records' own exact values and name tokens (all records in memory: `harbour match compare`). */
export function recordFrequencies(records: readonly PreparedRecord[]) {
  const values = new Map<string, number>();
  const tokens = new Map<string, number>();
  let total = 0;
  for (const r of records) {
    for (const v of valueKeys(r.source)) values.set(v, (values.get(v) ?? 0) + 1);
    for (const n of r.names) for (const t of n) {
      tokens.set(t.text, (tokens.get(t.text) ?? 0) + 1);
      total++;
    }
  }
  return frequencies(values, tokens, total, records.length);
}

/** What a record adds to the counts the frequencies are made of: `v:` an exact value, `t:` a name token, once per occurrence. */
function countedKeys(r: PreparedRecord): string[] {
  return [...valueKeys(r.source).map((v) => `v:${v}`), ...r.names.flatMap((n) => n.map((t) => `t:${t.text}`))];
}

/** Who made a scratch schema: this machine and process, written as the schema's comment. */
const scratchOwner = () => `${hostname()}:${process.pid}`;

/**
 * Drop the scratch schemas of linkages whose process is gone (a Ctrl-C or a kill in the middle
 * of `match link` leaves its schema behind): those made on this machine by a process that no
 * longer runs. Another machine's, or one without an owner, are left alone: nothing here can tell
 * whether they are still in use.
 */
async function sweepScratch(db: Db): Promise<void> {
  const rows = await db.query<{ name: string; owner: string | null }>(
    `select nspname as name, obj_description(oid, 'pg_namespace') as owner from pg_namespace where nspname like 'match\\_scratch\\_%'`,
  );
  for (const { name, owner } of rows) {
    const [host, pid] = (owner ?? '').split(':');
    if (host === hostname() && Number(pid) > 0 && Number(pid) !== process.pid && !processAlive(Number(pid))) await db.query(`drop schema if exists ${name} cascade`);
  }
}

/** A scratch schema for one linkage (or deduplication), dropped when `work` is done. */
export async function withScratchLinkage<T>(db: Db, mode: PairSpace['mode'], work: (linkage: ScratchLinkage) => Promise<T>): Promise<T> {
  await sweepScratch(db);
  const schema = `match_scratch_${randomBytes(6).toString('hex')}`;
  await db.query(`create schema ${schema}`);
  try {
    await db.query(`comment on schema ${schema} is '${scratchOwner().replace(/'/g, "''")}'`);
    await createPairSpace(db, schema);
    await db.query(`create unlogged table ${schema}.match_record (side char(1) not null, record_id text collate "C" not null, record text not null, primary key (side, record_id))`);
    await db.query(`create unlogged table ${schema}.match_count (key text primary key, n integer not null)`);
    return await work(scratchLinkage(db, { schema, mode }));
  } finally {
    await db.query(`drop schema ${schema} cascade`);
  }
}

function scratchLinkage(db: Db, space: PairSpace): ScratchLinkage {
  const s = space.schema;

  /** Records of a side by id, prepared. */
  const load = async (q: Db, side: string, ids: readonly string[]) => {
    const rows = await q.query<{ record: string }>(`select record from ${s}.match_record where side = $1 and record_id = any($2::text[])`, [side, ids]);
    return new Map(rows.map((r) => {
      const record = prepare(JSON.parse(r.record) as MatchRecord);
      return [record.source.id, record] as const;
    }));
  };

  /** Look up the counts of the records' values and tokens not yet in `counts`. */
  const lookUp = async (q: Db, records: Iterable<PreparedRecord>, counts: { values: Map<string, number>; tokens: Map<string, number> }) => {
    const wanted = new Set<string>();
    for (const r of records) for (const k of countedKeys(r)) if (!(k[0] === 'v' ? counts.values : counts.tokens).has(k.slice(2))) wanted.add(k);
    if (!wanted.size) return;
    // A count per key by its index (as storeFrequencies: `key = any(…)` can make the planner scan the table).
    const rows = await q.query<{ key: string; n: number }>(`select k.key, (select c.n from ${s}.match_count c where c.key = k.key) as n from unnest($1::text[]) as k(key)`, [[...wanted]]);
    for (const r of rows) (r.key[0] === 'v' ? counts.values : counts.tokens).set(r.key.slice(2), r.n ?? 0);
  };

  return {
    async add(side, records) {
      const seen = new Set<string>();
      const first = records.map((r) => !seen.has(r.id) && Boolean(seen.add(r.id)));
      const batch = records.filter((_, i) => first[i]);
      const taken = new Set((await db.query<{ record_id: string }>(
        `insert into ${s}.match_record (side, record_id, record) select $1, t.id, t.record from unnest($2::text[], $3::text[]) as t(id, record)
         on conflict do nothing returning record_id`,
        [side, batch.map((r) => r.id), batch.map((r) => JSON.stringify(r))],
      )).map((r) => r.record_id));
      const ids: string[] = [];
      const keys: string[] = [];
      const counted: string[] = [];
      for (const r of batch) {
        if (!taken.has(r.id)) continue;
        const p = prepare(r);
        for (const k of blockingKeys(p, { nearIdentifiers: true })) {
          ids.push(r.id);
          keys.push(k);
        }
        counted.push(...countedKeys(p));
      }
      await db.query(`insert into ${s}.match_key (record_id, side, key) select id, $3, k from unnest($1::text[], $2::text[]) as t(id, k)`, [ids, keys, side]);
      await db.query(
        `insert into ${s}.match_count (key, n) select k, count(*) from unnest($1::text[]) as k group by 1
         on conflict (key) do update set n = ${s}.match_count.n + excluded.n`,
        [counted],
      );
      return records.map((r, i) => first[i]! && taken.has(r.id));
    },

    async pairs(model, write, options = {}) {
      const chunk = options.chunk ?? 2000;
      const fetch = options.fetch ?? 5000;
      await indexPairSpace(db, s);
      await db.query(`analyze ${s}.match_record`);
      await db.query(`analyze ${s}.match_count`);
      const [sums] = await db.query<{ tokens: number; total: number; records: number }>(
        `select (select coalesce(sum(n), 0)::int from ${s}.match_count where key like 't:%') as tokens, (select count(*)::int from ${s}.match_record where side = 'L') as total, (select count(*)::int from ${s}.match_record) as records`,
      );
      const progress = { done: 0, total: sums!.total, candidates: 0, pairs: 0 };
      const right = space.mode === 'link' ? 'R' : 'L';

      /**
       * One chunk of left records, in a transaction of its own: its left records and counts are
       * loaded and the first fetch of its candidate pairs made (the statement runs then, whole)
       * while the chunk before is still being scored on another connection; it scores when `turn`
       * resolves (the chunk before written), and gives up when it rejects. Each fetch after the
       * first is asked for before the one at hand is scored, so the server reads the next while
       * this process scores.
       */
      const chunkPairs = (ids: readonly string[], turn: Promise<void>) => db.transaction(async (tx) => {
        const counts = { values: new Map<string, number>(), tokens: new Map<string, number>() };
        const freq = frequencies(counts.values, counts.tokens, sums!.tokens, sums!.records);
        const kept: LinkedPair[] = [];
        let candidates = 0;
        const lefts = await load(tx, 'L', ids);
        await lookUp(tx, lefts.values(), counts);
        // By right record: a fetch then needs each of its right records once.
        const query = candidatePairsQuery(space, ids);
        await tx.query(`declare candidates no scroll cursor for ${query.text} order by b`, query.values);
        const next = async () => {
          const rows = await tx.query<{ a: string; b: string }>(`fetch forward ${Math.trunc(fetch)} from candidates`);
          if (!rows.length) return undefined;
          const rights = await load(tx, right, [...new Set(rows.map((r) => r.b))]);
          await lookUp(tx, rights.values(), counts);
          return { rows, rights };
        };
        let batch = await next();
        await turn;
        while (batch) {
          const coming = next();
          // Its failure is met below, when it is awaited; not an unhandled rejection while this batch is scored.
          coming.catch(() => undefined);
          for (const { a, b } of batch.rows) {
            // Most candidate pairs are dropped: only those kept are explained (the same weight, to the bit).
            const x = lefts.get(a)!;
            const y = batch.rights.get(b)!;
            if (model.weigh(x, y, freq, 'link').grade === 'CERTAINLY_NOT') continue;
            const { weight, probability, grade, reasons } = model.score(x, y, freq, 'link');
            kept.push({ left: a, right: b, score: { weight, probability, grade, reasons } });
          }
          candidates += batch.rows.length;
          batch = await coming;
        }
        return { kept, candidates };
      });

      let after = '';
      const nextIds = async () => {
        const ids = (await db.query<{ record_id: string }>(`select record_id from ${s}.match_record where side = 'L' and record_id > $1 order by record_id limit $2`, [after, chunk])).map((r) => r.record_id);
        if (ids.length) after = ids[ids.length - 1]!;
        return ids;
      };
      let ids = await nextIds();
      let running = ids.length ? chunkPairs(ids, Promise.resolve()) : undefined;
      while (running) {
        let nextChunk: string[];
        try {
          nextChunk = await nextIds();
        } catch (error) {
          await running.catch(() => undefined);
          throw error;
        }
        // The next chunk opens now and scores when this one is written (or gives up if it fails).
        let release!: () => void;
        let abandon!: (error: unknown) => void;
        const turn = new Promise<void>((resolve, reject) => ((release = resolve), (abandon = reject)));
        turn.catch(() => undefined);
        const following = nextChunk.length ? chunkPairs(nextChunk, turn) : undefined;
        following?.catch(() => undefined);
        try {
          const { kept, candidates } = await running;
          kept.sort((x, y) => (x.left < y.left ? -1 : x.left > y.left ? 1 : y.score.weight - x.score.weight || (x.right < y.right ? -1 : 1)));
          await write(kept);
          progress.candidates += candidates;
          progress.pairs += kept.length;
          progress.done += ids.length;
          options.onProgress?.({ ...progress });
        } catch (error) {
          abandon(error);
          await following?.catch(() => undefined);
          throw error;
        }
        release();
        ids = nextChunk;
        running = following;
      }
      return progress;
    },
  };
}
