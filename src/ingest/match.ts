/**
 * Match on arrival, in the batch's transaction: the blocking keys of every identity whose facts
 * changed are rewritten, and identities sharing a verified biometric reference or identifier are
 * linked into one person (method and evidence recorded; a NEGATIVE judgement is never overridden).
 */
import type { Db } from '../db';
import { SHARED_ABOVE } from '../matching';
import { autoLink, rebuildPersons, refreshMatchKeys } from '../matching/candidates';

export async function matchOnArrival(tx: Db, cause: string): Promise<string[]> {
  const changed = await refreshMatchKeys(tx);
  const linked = await autoLink(tx, changed, SHARED_ABOVE);
  if (linked.length) await rebuildPersons(tx, [...new Set(linked.flat())], `automatic link, ${cause}`);
  return changed;
}
