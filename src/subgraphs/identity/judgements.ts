/**
 * Writing a match decision: one row of `identity.judgement` per decision (recordJudgement,
 * decideSuggestion, rejectMatchAlert), with what it did (`effect`) and the children it concerned
 * then (`persons`), for the DPO's `matchDecisions`.
 */
import { claimedAgency, type Principal } from '../../access';
import type { Db } from '../../db';
import type { PersonChange } from '../../resolution';

export type StoredJudgement = 'POSITIVE' | 'NEGATIVE' | 'UNSURE';
export type JudgementEffect = 'MERGED' | 'SPLIT' | 'UNDONE' | 'KEPT_APART' | 'NO_CHANGE';

/** Insert the judgement of the pair `x`, `y` (in either order); its id, to settle once its effect is known. */
export async function insertJudgement(tx: Db, x: string, y: string, judgement: StoredJudgement, reason: string, principal: Principal): Promise<string> {
  const [a, b] = x < y ? [x, y] : [y, x];
  const [row] = await tx.query<{ id: string }>(
    `insert into identity.judgement (a, b, judgement, reason, sub, agency) values ($1, $2, $3, $4, $5, $6) returning id::text`,
    [a, b, judgement, reason.trim(), principal.sub, claimedAgency(principal)],
  );
  return row!.id;
}

/** The persons the identities belong to now, in the order given, without repeats. */
export async function personsOf(tx: Db, ids: readonly string[]): Promise<string[]> {
  const rows = await tx.query<{ id: string; person_id: string }>(`select id, person_id from identity.source_identity where id = any($1::uuid[])`, [ids]);
  return [...new Set(ids.map((id) => rows.find((r) => r.id === id)?.person_id).filter((p): p is string => !!p))];
}

/**
 * The effect of a judgement from the changes `rebuildPersons` made: a merge (the survivor first),
 * a split (the child left first), or, with no change, KEPT_APART for a NEGATIVE between two
 * children and NO_CHANGE otherwise (`before`: the pair's persons before).
 */
export function effectOf(judgement: StoredJudgement, changes: readonly PersonChange[], before: readonly string[]): { effect: JudgementEffect; persons: string[] } {
  const merged = changes.filter((c) => c.kind === 'MERGED_INTO');
  if (merged.length) return { effect: 'MERGED', persons: [...new Set(merged.flatMap((c) => [c.otherPersonId, c.personId]))] };
  const split = changes.filter((c) => c.kind === 'SPLIT_FROM');
  if (split.length) return { effect: 'SPLIT', persons: [...new Set(split.flatMap((c) => [c.otherPersonId, c.personId]))] };
  return { effect: judgement === 'NEGATIVE' && before.length > 1 ? 'KEPT_APART' : 'NO_CHANGE', persons: [...before] };
}

/** Record what the judgement `id` did. */
export async function settleJudgement(tx: Db, id: string, effect: JudgementEffect, persons: readonly string[]): Promise<void> {
  await tx.query(`update identity.judgement set effect = $2, persons = $3::uuid[] where id = $1`, [id, effect, persons]);
}
