/**
 * Match evidence under the access rules, for search candidates and match alerts alike: a
 * contribution drawn from a category the caller may not see keeps its weight (a ranking is the
 * same for everyone) but loses its level and words, is left out of the reasons, and is reported
 * in `extensions.withheld`. Every decision is recorded for the audit.
 */
import { DataCategory } from '../../access';
import type { RequestContext, ResponsePath } from '../../context';
import { reasonsOf, type Contribution, type Field as MatchField } from '../../matching';
import { FieldContribution } from './search.types';

const CATEGORY: Record<MatchField, DataCategory> = {
  name: DataCategory.IDENTITY,
  dob: DataCategory.IDENTITY,
  sex: DataCategory.IDENTITY,
  nationality: DataCategory.IDENTITY,
  identifiers: DataCategory.IDENTIFIERS,
  biometrics: DataCategory.BIOMETRIC_REFS,
  contacts: DataCategory.CONTACT,
  address: DataCategory.LOCATION,
  postcode: DataCategory.LOCATION,
};

/** `path`: the client path of the object holding `contributions` and `reasons`. */
export function guardEvidence(ctx: RequestContext, personId: string, contributions: readonly Contribution[], path: ResponsePath): { contributions: FieldContribution[]; reasons: string[] } {
  const visible: Contribution[] = [];
  const guarded = contributions.map((c, j) => {
    const out: FieldContribution = Object.assign(new FieldContribution(), { field: c.field, level: c.level as string | null, weight: c.weight, reason: c.reason as string | null });
    if (c.field === 'prior') return out;
    const category = CATEGORY[c.field];
    const decision = ctx.access.decide(personId, undefined, category);
    ctx.access.record(personId, category, [...path, 'contributions', j, 'reason'], decision);
    if (decision.kind === 'WITHHELD') {
      out.level = null;
      out.reason = null;
    } else visible.push(c);
    return out;
  });
  return { contributions: guarded, reasons: reasonsOf(visible) };
}
