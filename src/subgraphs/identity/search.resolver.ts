/**
 * `identitySearch`: query by example over every agency's identities. Candidates come from the
 * PostgreSQL passes, are scored by the model in Node, and are grouped by person (the best
 * identity speaks for its person). Evidence is guarded like any other read (`guardEvidence`).
 *
 * A search is not an oracle: an example field the caller may not see for every child (`usable`)
 * feeds neither the candidate passes nor the score, so a withheld phone or reference cannot pick
 * out, or lift, the child who holds it. Its lists are short (the gateway's `INPUT_LIST_LIMITS`).
 */
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, Info, Int, Query, Resolver } from 'type-graphql';
import { canonicalHandle } from '../../../connectors/kit/identifiers';
import { DataCategory, GuardedInResolver, SEALED, type AccessDecisions } from '../../access';
import { clientPath, type RequestContext, type ResponsePath } from '../../context';
import { ErrorCode, HarbourError } from '../../errors';
import { prepare, type MatchRecord } from '../../matching';
import { currentModel, loadRecords, matchIdentifier, matchPhone, searchCandidates, storeFrequencies } from '../../resolution';
import { Person } from './identity.types';
import { guardEvidence } from './evidence';
import { MatchCandidate, MatchGradeEnum, PersonExample } from './search.types';

const MAX_FIRST = 50;

type ExampleField = keyof PersonExample;

/** What a search by each field would disclose of the child who holds the value. */
const FIELD_CATEGORY: Record<ExampleField, DataCategory> = {
  names: DataCategory.IDENTITY,
  dob: DataCategory.IDENTITY,
  ageRange: DataCategory.IDENTITY,
  sex: DataCategory.IDENTITY,
  nationality: DataCategory.IDENTITY,
  identifiers: DataCategory.IDENTIFIERS,
  biometrics: DataCategory.BIOMETRIC_REFS,
  phones: DataCategory.CONTACT,
  handles: DataCategory.CONTACT,
};

/**
 * Whether the search may use a field of `category` for this caller. IDENTITY: yes, because a
 * candidate whose identity the caller may not see is no result at all. Any other category only
 * when the agreement releases it to the caller for every child (ALWAYS): a category released
 * child by child (WITH_BASIS: consent, the missing-child rule, a justification) or NEVER would
 * otherwise decide which children appear, and how high, by values the caller may not see.
 */
function usable(access: AccessDecisions, category: DataCategory): boolean {
  return category === DataCategory.IDENTITY || access.options.unguarded === true || (access.rule(category) === 'ALWAYS' && !SEALED.has(category));
}

/**
 * The example without the fields the caller may not search by, each reported in
 * `extensions.withheld` at the search's path. An example of nothing else is refused.
 */
function searchableExample(example: PersonExample, access: AccessDecisions, path: ResponsePath): PersonExample {
  const given = (Object.keys(FIELD_CATEGORY) as ExampleField[]).filter((f) => example[f] != null && !(Array.isArray(example[f]) && example[f].length === 0));
  const unusable = given.filter((f) => !usable(access, FIELD_CATEGORY[f]));
  if (!unusable.length) return example;
  if (unusable.length === given.length) {
    const you = `${access.principal.agencyKind} (${access.principal.roles.join(', ')})`;
    const why = [...new Set(unusable.map((f) => FIELD_CATEGORY[f]))]
      .map((c) => (access.rule(c) === 'NEVER' ? `never releases ${c} to ${you}` : `releases ${c} to ${you} only with a basis for each child`));
    throw new HarbourError(ErrorCode.BAD_USER_INPUT, `identitySearch(${unusable.map((f) => `example.${f}`).join(', ')}): you may not search by ${unusable.join(' or ')}: the sharing agreement ${why.join(' and ')}`);
  }
  for (const category of new Set(unusable.map((f) => FIELD_CATEGORY[f]))) access.withheld.push({ path, category, releasableWith: [] });
  return Object.assign(new PersonExample(), Object.fromEntries(given.filter((f) => !unusable.includes(f)).map((f) => [f, example[f]])));
}

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
    const path = clientPath(info.path, ctx);
    const prepared = prepare(exampleRecord(searchableExample(example, ctx.access, path)));
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
