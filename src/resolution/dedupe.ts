/**
 * Batch deduplication of the whole store (`harbour match dedupe`): every current source identity
 * is taken through the pair passes a chunk at a time (bounded memory), pairs are scored with the
 * model and the store's frequencies, verified biometric references and identifiers link
 * automatically (as on arrival), and pairs of other persons graded PROBABLE or better become
 * suggestions for a person to judge — unless a judgement on that pair exists already.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../db';
import { SHARED_ABOVE } from '../matching';
import type { MatchModel } from '../matching';
import { prepare } from '../matching';
import { candidatePairs, openStorePairSpace, STORE_DEDUPE_PAIRS } from './pairs';
import { autoLink, rebuildPersons } from './persons';
import { loadRecords, storeFrequencies } from './store';
import { writeSuggestions, type Suggestion } from './suggestions';

export interface DedupeProgress {
  readonly done: number;
  readonly total: number;
  readonly pairs: number;
  readonly suggestions: number;
  /** Automatic links this run made (beyond those made on arrival). */
  readonly links: number;
}

export interface DedupeOptions {
  /** Identities per chunk. @default 5000 */
  readonly chunk?: number;
  readonly onProgress?: (progress: DedupeProgress) => void;
  /**
   * Keys two identities must share to be scored. @default 1 up to 100,000 identities, else 2
   * (at 1M identities one shared key made 11M pairs a chunk; two keep it near 36k)
   */
  readonly minShared?: number;
}

async function activeLinks(db: Db): Promise<number> {
  const [row] = await db.query<{ n: number }>(`select count(*)::int as n from identity.link where removed_at is null`);
  return row?.n ?? 0;
}

export async function dedupeStore(db: Db, model: MatchModel, options: DedupeOptions = {}): Promise<DedupeProgress> {
  const schema = `match_dedupe_${randomBytes(6).toString('hex')}`;
  const ids = (await db.query<{ id: string }>(`select id from identity.source_identity where retracted_at is null order by id`)).map((r) => r.id);
  const progress = { done: 0, total: ids.length, pairs: 0, suggestions: 0, links: 0 };
  const chunkSize = options.chunk ?? 5000;
  const minShared = options.minShared ?? (ids.length > 100_000 ? 2 : 1);
  const linksBefore = await activeLinks(db);
  await openStorePairSpace(db, schema, STORE_DEDUPE_PAIRS);
  try {
    for (let i = 0; i < ids.length; i += chunkSize) {
      const chunk = ids.slice(i, i + chunkSize);
      await db.transaction(async (tx) => {
        const pairs = await autoLink(tx, chunk, SHARED_ABOVE, model);
        if (pairs.length) await rebuildPersons(tx, [...new Set(pairs.flat())], 'automatic link, harbour match dedupe');
      });
      progress.links = (await activeLinks(db)) - linksBefore;
      const pairs = await candidatePairs(db, { schema, mode: 'dedupe', idType: 'uuid' }, chunk, minShared);
      progress.pairs += pairs.length;
      const records = await loadRecords(db, [...new Set(pairs.flat())]);
      const prepared = new Map([...records].map(([id, r]) => [id, prepare(r)]));
      const freq = await storeFrequencies(db, [...prepared.values()]);
      const suggestions: Suggestion[] = [];
      for (const [a, b] of pairs) {
        const x = records.get(a);
        const y = records.get(b);
        if (!x || !y || x.personId === y.personId) continue;
        // Most candidate pairs become no suggestion: only those that do are explained (the same weight, to the bit).
        const grade = model.weigh(prepared.get(a)!, prepared.get(b)!, freq, 'dedupe').grade;
        if (grade === 'CERTAIN' || grade === 'PROBABLE') suggestions.push({ a, b, score: model.score(prepared.get(a)!, prepared.get(b)!, freq, 'dedupe') });
      }
      progress.suggestions += await writeSuggestions(db, suggestions, model.parameters.version);
      progress.done += chunk.length;
      options.onProgress?.({ ...progress });
    }
  } finally {
    await db.query(`drop schema ${schema} cascade`);
  }
  return progress;
}
