/**
 * Linking two sets of person records, or deduplicating one, with the production candidate
 * generation and model: the records' blocking keys go into a scratch schema of their own, the
 * pair SQL finds the candidates, the model scores them with frequencies from the records
 * themselves. The scratch schema is dropped afterwards, whatever happens.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db';
import { blockingKeys, valueKeys } from '../keys';
import type { MatchModel, Score } from '../model';
import { prepare, type MatchRecord, type PreparedRecord } from '../record';
import { candidatePairs, createPairSpace, indexPairSpace } from './pairs';
import { frequencies } from './store';

export interface LinkedPair {
  readonly left: string;
  readonly right: string;
  readonly score: Score;
}

/** Frequencies of the records' own exact values and name tokens. */
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
  return frequencies(values, tokens, total);
}

export async function linkRecords(db: Db, model: MatchModel, left: readonly MatchRecord[], right: readonly MatchRecord[] | null): Promise<LinkedPair[]> {
  const schema = `match_scratch_${randomBytes(6).toString('hex')}`;
  const l = left.map(prepare);
  const r = right ? right.map(prepare) : null;
  const byId = (side: PreparedRecord[]) => new Map(side.map((p) => [p.source.id, p]));
  const lefts = byId(l);
  const rights = r ? byId(r) : lefts;
  await db.query(`create schema ${schema}`);
  try {
    await createPairSpace(db, schema);
    const sides: [string, PreparedRecord[]][] = r ? [['L', l], ['R', r]] : [['L', l]];
    for (const [side, records] of sides) {
      for (let i = 0; i < records.length; i += 5000) {
        const ids: string[] = [];
        const keys: string[] = [];
        for (const p of records.slice(i, i + 5000)) for (const k of blockingKeys(p, { nearIdentifiers: true })) {
          ids.push(p.source.id);
          keys.push(k);
        }
        await db.query(`insert into ${schema}.match_key (record_id, side, key) select id, $3, k from unnest($1::text[], $2::text[]) as t(id, k)`, [ids, keys, side]);
      }
    }
    await indexPairSpace(db, schema);
    const pairs = await candidatePairs(db, { schema, mode: r ? 'link' : 'dedupe' });
    const freq = recordFrequencies(r ? [...l, ...r] : l);
    return pairs.map(([a, b]) => ({ left: a, right: b, score: model.score(lefts.get(a)!, rights.get(b)!, freq) }));
  } finally {
    await db.query(`drop schema ${schema} cascade`);
  }
}
