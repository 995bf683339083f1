/**
 * Training from the store (`harbour match train`): random pairs of current identities for u,
 * candidate pairs of a random sample of identities (the dedupe passes) for m by EM, and pairs
 * judged POSITIVE (latest judgement) for m directly when there are enough. The parameters are
 * stored, versioned, in `identity.match_model`; `currentModel` uses the latest from then on.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../db';
import type { MatchModel } from '../matching';
import { prepare } from '../matching';
import { train, vectorOf, type ComparisonVector, type TrainingResult } from '../matching';
import { candidatePairs, openStorePairSpace, STORE_DEDUPE_PAIRS } from './pairs';
import { loadRecords, storeFrequencies } from './store';

async function vectors(db: Db, model: MatchModel, pairs: readonly [string, string][]): Promise<ComparisonVector[]> {
  const out: ComparisonVector[] = [];
  for (let i = 0; i < pairs.length; i += 2000) {
    const chunk = pairs.slice(i, i + 2000);
    const records = await loadRecords(db, [...new Set(chunk.flat())]);
    const prepared = new Map([...records].map(([id, r]) => [id, prepare(r)]));
    const freq = await storeFrequencies(db, [...prepared.values()]);
    for (const [a, b] of chunk) {
      const x = prepared.get(a);
      const y = prepared.get(b);
      if (x && y) out.push(vectorOf(model.score(x, y, freq)));
    }
  }
  return out;
}

export interface StoreTraining extends TrainingResult {
  readonly randomPairs: number;
  readonly candidatePairs: number;
  readonly positivePairs: number;
}

export async function trainFromStore(db: Db, model: MatchModel, options: { sample: number; store: boolean }): Promise<StoreTraining> {
  const ids = (await db.query<{ id: string }>(`select id from identity.source_identity where retracted_at is null order by random() limit $1`, [options.sample * 2])).map((r) => r.id);
  const random: [string, string][] = [];
  for (let i = 0; i + 1 < ids.length; i += 2) random.push([ids[i]!, ids[i + 1]!]);

  const schema = `match_train_${randomBytes(6).toString('hex')}`;
  await openStorePairSpace(db, schema, STORE_DEDUPE_PAIRS);
  let candidates: [string, string][];
  try {
    candidates = (await candidatePairs(db, { schema, mode: 'dedupe', idType: 'uuid' }, ids.slice(0, options.sample), 2)).slice(0, options.sample * 10);
  } finally {
    await db.query(`drop schema ${schema} cascade`);
  }
  const positives = (await db.query<{ a: string; b: string }>(
    `select a, b from (select distinct on (a, b) a, b, judgement from identity.judgement order by a, b, recorded_at desc, id desc) j where judgement = 'POSITIVE'`,
  )).map((r): [string, string] => [r.a, r.b]);

  const version = `trained-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}`;
  const result = train(model.parameters, {
    random: await vectors(db, model, random),
    candidates: await vectors(db, model, candidates),
    positives: await vectors(db, model, positives),
  }, { version });
  if (options.store) {
    await db.query(`insert into identity.match_model (version, parameters, pairs, method) values ($1, $2, $3, $4)`, [version, JSON.stringify(result.parameters), random.length + candidates.length + positives.length, result.method]);
  }
  return { ...result, randomPairs: random.length, candidatePairs: candidates.length, positivePairs: positives.length };
}
