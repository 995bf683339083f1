/**
 * Writing a match decision: one row of `identity.judgement` per decision (recordJudgement,
 * decideSuggestion, rejectMatchAlert), with what it did (`effect`) and the children it concerned
 * then (`persons`), for the DPO's `matchDecisions`.
 */
import { claimedAgency, DataCategory, kindOfCode, type Principal } from '../../access';
import type { ResponsePath } from '../../context';
import type { Db } from '../../db';
import type { PersonChange } from '../../resolution';

export type StoredJudgement = 'POSITIVE' | 'NEGATIVE' | 'UNSURE';
export type JudgementEffect = 'MERGED' | 'SPLIT' | 'UNDONE' | 'KEPT_APART' | 'NO_CHANGE';

/** The other agency of a cross-agency decision, and the child its record belonged to when decided. */
export interface OtherAgency {
  readonly agency: string;
  readonly personId: string;
}

/** A judgement inserted: its id (to settle once its effect is known) and the other agency, if cross-agency. */
export interface InsertedJudgement {
  readonly id: string;
  readonly other: OtherAgency | null;
}

/**
 * The other agency of a decision on records `x`, `y`: when they belong to agencies of two kinds
 * (an LA's and a police force's, say), the one that is not the decider's — of another kind than
 * the decider's when neither record is theirs. Null for records of one kind of agency.
 */
async function otherAgencyOf(tx: Db, x: string, y: string, principal: Principal): Promise<OtherAgency | null> {
  const rows = await tx.query<{ agency: string; person_id: string }>(`select agency, person_id from identity.source_identity where id = any($1::uuid[]) order by id`, [[x, y]]);
  if (rows.length !== 2 || kindOfCode(rows[0]!.agency) === kindOfCode(rows[1]!.agency)) return null;
  const own = claimedAgency(principal);
  const other = rows.find((r) => r.agency !== own && kindOfCode(r.agency) !== principal.agencyKind) ?? rows.find((r) => r.agency !== own);
  return other ? { agency: other.agency, personId: other.person_id } : null;
}

/** Insert the judgement of the pair `x`, `y` (in either order), with the other agency of a cross-agency decision. */
export async function insertJudgement(tx: Db, x: string, y: string, judgement: StoredJudgement, reason: string, principal: Principal): Promise<InsertedJudgement> {
  const [a, b] = x < y ? [x, y] : [y, x];
  const other = await otherAgencyOf(tx, a, b, principal);
  const [row] = await tx.query<{ id: string }>(
    `insert into identity.judgement (a, b, judgement, reason, sub, agency, other_agency) values ($1, $2, $3, $4, $5, $6, $7) returning id::text`,
    [a, b, judgement, reason.trim(), principal.sub, claimedAgency(principal), other?.agency ?? null],
  );
  return { id: row!.id, other };
}

/** Where a decision's audit events go: the access decisions of the request. */
interface Recorder {
  recordChange(personId: string, category: DataCategory, path: ResponsePath, basis?: { kind: 'CROSS_AGENCY_DECISION'; id: string }): void;
}

/**
 * Audit a decision (RECORDED) on each child it concerned, as they were before it; the child of the
 * other agency's record in a cross-agency decision with that agency (`CROSS_AGENCY_DECISION`,
 * basis id the agency's code), so the decision is on record with both agencies.
 */
export function auditDecision(access: Recorder, persons: readonly string[], other: OtherAgency | null, path: ResponsePath): void {
  for (const personId of new Set(persons)) {
    access.recordChange(personId, DataCategory.IDENTITY, path, other?.personId === personId ? { kind: 'CROSS_AGENCY_DECISION', id: other.agency } : undefined);
  }
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
