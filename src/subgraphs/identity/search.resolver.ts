/**
 * `identitySearch`: query by example over every agency's identities. Candidates come from the
 * PostgreSQL passes, are scored by the model in Node, and are grouped by person (the best
 * identity speaks for its person). Evidence is guarded like any other read (`guardEvidence`).
 */
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, Info, Int, Query, Resolver } from 'type-graphql';
import { canonicalHandle } from '../../../connectors/kit/identifiers';
import { DataCategory, GuardedInResolver } from '../../access';
import { clientPath, type RequestContext } from '../../context';
import { ErrorCode, HarbourError } from '../../errors';
import { matchIdentifier, matchPhone, prepare, type MatchRecord } from '../../matching';
import { currentModel, loadRecords, searchCandidates, storeFrequencies } from '../../matching/candidates';
import { Person } from './identity.types';
import { guardEvidence } from './evidence';
import { MatchCandidate, MatchGradeEnum, PersonExample } from './search.types';

const MAX_FIRST = 50;

export function exampleRecord(example: PersonExample): MatchRecord {
  const bad = (message: string) => new HarbourError(ErrorCode.BAD_USER_INPUT, `identitySearch: ${message}`);
  const names = (example.names ?? []).map((n) => n.full?.trim() || [n.given, n.family].filter((x) => x?.trim()).join(' ')).filter(Boolean);
  if (example.dob && !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(example.dob)) throw bad(`dob must be YYYY-MM-DD, YYYY-MM or YYYY, received "${example.dob}"`);
  const range = example.ageRange;
  if (range && !(range.min >= 0 && range.max >= range.min && range.max <= 120)) throw bad(`ageRange must have 0 ≤ min ≤ max ≤ 120, received ${range.min}..${range.max}`);
  if (example.nationality && !/^[A-Z]{3}$/.test(example.nationality)) throw bad(`nationality must be an ISO 3166 alpha-3 code, received "${example.nationality}"`);
  const identifiers = (example.identifiers ?? []).map((x) => matchIdentifier(x.scheme, x.value)).filter((x) => x !== undefined);
  const contacts = [
    ...(example.phones ?? []).map(matchPhone),
    ...(example.handles ?? []).map((h) => canonicalHandle(h.platform, h.handle)),
  ];
  const record: MatchRecord = {
    id: 'example',
    names,
    dobs: example.dob ? [{ value: example.dob }] : [],
    ageRange: range ?? undefined,
    sex: example.sex === 'MALE' ? 'M' : example.sex === 'FEMALE' ? 'F' : null,
    nationality: example.nationality ?? null,
    identifiers,
    biometrics: (example.biometrics ?? []).map((b) => ({ repository: b.repository.trim().toUpperCase(), reference: b.reference.trim().toUpperCase() })),
    contacts,
  };
  if (!names.length && !record.dobs?.length && !range && !identifiers.length && !record.biometrics?.length && !contacts.length) {
    throw bad('give at least a name, a date of birth or age range, an identifier, a biometric reference, a phone or a handle');
  }
  return record;
}

@Resolver()
export class SearchResolver {
  @GuardedInResolver('IDENTITY per candidate; evidence by guardEvidence', 'Query')
  @Query(() => [MatchCandidate], { description: 'Ranked candidates for a query by example, with the evidence the caller may see.' })
  async identitySearch(
    @Arg('example', () => PersonExample) example: PersonExample,
    @Arg('first', () => Int, { defaultValue: 10 }) first: number,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<MatchCandidate[]> {
    if (!(first >= 1 && first <= MAX_FIRST)) throw new HarbourError(ErrorCode.BAD_USER_INPUT, `identitySearch: first must be between 1 and ${MAX_FIRST}, received ${first}`);
    const query = exampleRecord(example);
    const prepared = prepare(query);
    // The model and the query's frequencies do not depend on the candidates: read them meanwhile.
    const [records, model, freq] = await Promise.all([
      searchCandidates(ctx.db, prepared).then((ids) => loadRecords(ctx.db, ids)),
      currentModel(ctx.db, ctx.matchThresholds),
      storeFrequencies(ctx.db, [prepared]),
    ]);
    const best = new Map<string, { personId: string; score: ReturnType<typeof model.score> }>();
    for (const record of records.values()) {
      const score = model.score(prepared, prepare(record), freq, 'search');
      const current = best.get(record.personId);
      if (!current || score.weight > current.score.weight) best.set(record.personId, { personId: record.personId, score });
    }
    const path = clientPath(info.path, ctx);
    // A person whose identity the caller may not see is not a result at all: "not found".
    // Decided in rank order, only as far as `first` are released: a decision reads its person's
    // access bases, and the candidates below the first page are never shown.
    const sorted = [...best.values()].sort((a, b) => b.score.weight - a.score.weight);
    const ranked: typeof sorted = [];
    for (let k = 0; k < sorted.length && ranked.length < first; ) {
      const page = sorted.slice(k, k + first - ranked.length);
      k += page.length;
      const decisions = await Promise.all(page.map((c) => ctx.access.decide(c.personId, undefined, DataCategory.IDENTITY)));
      for (const [i, candidate] of page.entries()) {
        ctx.access.record(candidate.personId, DataCategory.IDENTITY, [...path, ranked.length], decisions[i]!, false);
        if (decisions[i]!.kind === 'RELEASED') ranked.push(candidate);
      }
    }
    return Promise.all(ranked.map(async ({ personId, score }, i) => {
      const { contributions, reasons } = await guardEvidence(ctx, personId, score.contributions, [...path, i]);
      return Object.assign(new MatchCandidate(), {
        person: Object.assign(new Person(), { id: personId, replacedBy: null }),
        probability: score.probability,
        grade: score.grade as MatchGradeEnum,
        matchWeight: score.weight,
        contributions,
        reasons,
      });
    }));
  }
}
