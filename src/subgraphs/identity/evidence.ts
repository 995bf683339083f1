/**
 * Match evidence under the access rules, for search candidates and match alerts alike: a
 * contribution drawn from a category the caller may not see keeps its weight (an alert's score is
 * the same for everyone) but loses its level and words, is left out of the reasons, and is
 * reported in `extensions.withheld`. Every decision is recorded for the audit. (A search scores
 * only fields the caller may see for every child, so its evidence is released whole.)
 */
import { DataCategory } from '../../access';
import type { RequestContext, ResponsePath } from '../../context';
import { reasonsOf, type Contribution, type Field as MatchField } from '../../matching';
import { FieldContribution } from './search.types';

const CATEGORY: Record<MatchField | 'family', DataCategory> = {
  name: DataCategory.IDENTITY,
  // Twins or siblings: what names and dates of birth say (its reasons name no address).
  family: DataCategory.IDENTITY,
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
export async function guardEvidence(ctx: RequestContext, personId: string, contributions: readonly Contribution[], path: ResponsePath): Promise<{ contributions: FieldContribution[]; reasons: string[] }> {
  const visible: Contribution[] = [];
  const guarded = await Promise.all(contributions.map(async (c, j) => {
    const out: FieldContribution = Object.assign(new FieldContribution(), { field: c.field, level: c.level as string | null, weight: c.weight, reason: c.reason as string | null });
    if (c.field === 'prior') return out;
    const category = CATEGORY[c.field];
    if (await ctx.access.check(personId, undefined, category, [...path, 'contributions', j, 'reason'])) visible.push(c);
    else {
      out.level = null;
      out.reason = null;
    }
    return out;
  }));
  return { contributions: guarded, reasons: reasonsOf(contributions.filter((c) => visible.includes(c))) };
}
