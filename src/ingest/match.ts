/**
 * Match on arrival, in the batch's transaction: the blocking keys of every identity whose facts
 * changed are rewritten; identities sharing a verified biometric reference or identifier are
 * linked into one person (method and evidence recorded; a NEGATIVE judgement is never
 * overridden; a pair that disagrees on who the child is becomes a suggestion instead); every
 * changed identity scored at or above the review bar (`REVIEW_BAR`) against another child's record
 * becomes a suggestion for a person to judge (a suggestion waiting that no longer reaches it leaves the queue, and
 * an automatic link whose shared reference was corrected away is withdrawn); and a changed identity that matches a child with an open missing episode raises a
 * match alert, its webhook deliveries queued in the outbox. All of it commits with the batch, so
 * an alert exists the moment its batch does.
 */
import type { Db } from '../db';
import { SHARED_ABOVE, type GradeThresholds, type PreparedRecord } from '../matching';
import { autoLink, currentModel, raiseAlerts, rebuildPersons, refreshMatchKeys, rescoreSuggestions, suggestOnArrival, unlinkUnsupported, type MissingChildren } from '../resolution';

/** `missing`: the missing children held in memory by the run, from batch to batch. */
export async function matchOnArrival(tx: Db, cause: string, thresholds: GradeThresholds, missing: MissingChildren): Promise<string[]> {
  const prepared = new Map<string, PreparedRecord>();
  const changed = await refreshMatchKeys(tx, undefined, prepared);
  if (!changed.length) return changed;
  const model = await currentModel(tx, thresholds);
  // A correction at source: the suggestions waiting on these records are scored again first (one
  // no longer likely leaves the queue; a pair held back below from an automatic link is written
  // again after), and a link that rested only on a value no longer held goes, the pair matched
  // again below like any other.
  await rescoreSuggestions(tx, model, changed, prepared);
  const unlinked = await unlinkUnsupported(tx, changed);
  if (unlinked.length) await rebuildPersons(tx, unlinked, `automatic link withdrawn: its shared reference was corrected at source, ${cause}`);
  const linked = await autoLink(tx, changed, SHARED_ABOVE, model);
  if (linked.length) await rebuildPersons(tx, [...new Set(linked.flat())], `automatic link, ${cause}`);
  await raiseAlerts(tx, model, changed, cause, prepared, missing);
  await suggestOnArrival(tx, model, changed, prepared);
  return changed;
}
