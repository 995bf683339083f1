/**
 * The DPO's list of match decisions (issue 25): every judgement harbour keeps (recordJudgement,
 * decideSuggestion, rejectMatchAlert) with who made it, their agency, the decision, the reason,
 * the two records, the children it concerned and what it did — a merge, a split, an undo, a
 * keep-apart or nothing. A DPO sees the decisions made by users of their own agency and those
 * about children their agency holds a record of; nobody else may ask. The records' facts are
 * guarded (and audited) as everywhere.
 */
import { Arg, Ctx, Field, ID, Int, ObjectType, Query, registerEnumType, Resolver } from 'type-graphql';
import { GuardedInResolver, Public, PublicType, requireDpo } from '../../access';
import type { RequestContext } from '../../context';
import { ErrorCode, HarbourError } from '../../errors';
import { isUuid } from '../../ids';
import { decodeCursor, encodeCursor, PageInfo } from '../connection';
import { DateTimeScalar } from '../scalars';
import { survivorOf, withDates, type JsonRow } from '../shared';
import { IDENTITY_DATES, identityJson, Person, SourceIdentity, type SourceIdentityRow } from './identity.types';
import type { JudgementEffect, StoredJudgement } from './judgements';
import { SuggestionDecision } from './suggestion.resolver';

export enum MatchDecisionEffect { MERGED = 'MERGED', SPLIT = 'SPLIT', UNDONE = 'UNDONE', KEPT_APART = 'KEPT_APART', NO_CHANGE = 'NO_CHANGE' }
registerEnumType(MatchDecisionEffect, {
  name: 'MatchDecisionEffect',
  description: 'What a match decision did to the children harbour holds.',
  valuesConfig: {
    MERGED: { description: 'Two children became one (SAME): the other id resolves to the survivor.' },
    SPLIT: { description: 'A record left its child for a new one (a DIFFERENT judgement on records of one child).' },
    UNDONE: { description: 'A DIFFERENT undid an earlier SAME: both children are back with their own ids.' },
    KEPT_APART: { description: 'Two children apart are kept apart for good: never suggested, alerted or linked together again.' },
    NO_CHANGE: { description: 'Nothing changed: UNSURE, or the records were already as decided.' },
  },
});

@ObjectType({ description: 'A person’s decision on whether two records are one child, with its reason and what it did (DPO only).' })
export class MatchDecision {
  @Public('an opaque id') @Field(() => ID) id!: string;
  @Public('when a decision was recorded') @Field(() => DateTimeScalar) at!: Date;
  @Public('the user who decided: a professional, not a child') @Field({ description: 'The user who decided (the token’s sub).' }) sub!: string;
  @Public('the decider’s agency') @Field({ description: 'The decider’s agency code, as their token said.' }) agency!: string;
  @Public('the other agency of a cross-agency decision') @Field(() => String, { nullable: true, description: 'A cross-agency decision (records of agencies of two kinds, such as an LA’s and a police force’s): the other agency, whose record it decided on. Null otherwise.' }) otherAgency!: string | null;
  @Public('the decision') @Field(() => SuggestionDecision, { description: 'SAME, DIFFERENT or UNSURE (a recordJudgement’s POSITIVE, NEGATIVE or UNSURE).' }) decision!: SuggestionDecision;
  @Public('the decider’s reason, about the match, not the child') @Field() reason!: string;
  @Public('what the decision did') @Field(() => MatchDecisionEffect) effect!: MatchDecisionEffect;
  @Public('the records; each of their facts is guarded') @Field(() => [SourceIdentity], { description: 'The two records decided on; their fields are guarded as everywhere.' }) records!: SourceIdentity[];
  @Public('person ids') @Field(() => [Person], { description: 'The children the decision concerned, as they were then (a merge: the survivor and the child merged into it; a split or undo: the child and the one that left it). `replacedBy` says where a child has gone since.' }) persons!: Person[];
}

@PublicType('connection structure')
@ObjectType()
class MatchDecisionEdge {
  @Field(() => MatchDecision) node!: MatchDecision;
  @Field() cursor!: string;
}

@PublicType('connection structure')
@ObjectType()
export class MatchDecisionConnection {
  @Field(() => [MatchDecisionEdge]) edges!: MatchDecisionEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int, { description: 'Decisions matching the arguments that the caller may see.' }) totalCount!: number;
}

interface DecisionRow {
  id: string; recorded_at: Date; judgement: StoredJudgement; reason: string; sub: string; agency: string; other_agency: string | null; effect: JudgementEffect;
  record_a: JsonRow<SourceIdentityRow>; record_b: JsonRow<SourceIdentityRow>; persons: { id: string; replaced_by: string | null }[];
}

const DECISION: Record<StoredJudgement, SuggestionDecision> = { POSITIVE: SuggestionDecision.SAME, NEGATIVE: SuggestionDecision.DIFFERENT, UNSURE: SuggestionDecision.UNSURE };
const MAX_FIRST = 200;
const MAX_ID = 2n ** 63n - 1n;
const FIELD = 'matchDecisions';

const bad = (argument: string, message: string) => new HarbourError(ErrorCode.BAD_USER_INPUT, `${FIELD}(${argument}): ${message}`, { argument });

/** The persons a judgement concerned: as recorded, or (a row written without them) the records' persons now. */
const PERSONS = `coalesce(j.persons, case when sa.person_id = sb.person_id then array[sa.person_id] else array[sa.person_id, sb.person_id] end)`;

/**
 * The DPO's agency (`$1`) sees a decision made by one of its users, one it is the other agency of,
 * or one about a child it holds a record of: the child either record belongs to now, or a child the decision concerned (where it
 * has gone since).
 */
const IN_DPO_SCOPE = `(j.agency = $1 or j.other_agency = $1 or exists (select 1 from identity.source_identity o where o.agency = $1 and o.retracted_at is null
  and (o.person_id in (sa.person_id, sb.person_id) or o.person_id in (select coalesce(p.replaced_by, p.id) from identity.person p where p.id = any(${PERSONS})))))`;

@Resolver()
export class MatchDecisionResolver {
  @GuardedInResolver('DPO only: decisions by users of the DPO’s agency or about children it holds a record of; the records’ facts are guarded', 'Query')
  @Query(() => MatchDecisionConnection, { description: 'Match decisions (merges, splits, undos, keep-aparts) with their reasons, newest first (DPO only): those made by users of your agency and those about children your agency holds a record of.' })
  async matchDecisions(
    @Arg('personId', () => ID, { nullable: true, description: 'Only decisions about this child (a merged-away id stands for its survivor), now or when they were made.' }) personId: string | null,
    @Arg('sub', () => String, { nullable: true, description: 'Only decisions made by this user.' }) sub: string | null,
    @Arg('from', () => DateTimeScalar, { nullable: true, description: 'Only decisions at or after this time.' }) from: Date | null,
    @Arg('to', () => DateTimeScalar, { nullable: true, description: 'Only decisions at or before this time.' }) to: Date | null,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<MatchDecisionConnection> {
    const own = requireDpo(ctx.principal, FIELD);
    if (!(Number.isInteger(first) && first >= 1 && first <= MAX_FIRST)) throw bad('first', `must be between 1 and ${MAX_FIRST}, received ${first}`);
    if (personId != null && !isUuid(personId)) throw bad('personId', `"${personId.slice(0, 60)}" is not a person id`);
    if (sub != null && !sub.trim()) throw bad('sub', 'give the user’s sub, or leave sub out for every user');
    if (from && to && to.getTime() < from.getTime()) throw bad('to', `${to.toISOString()} is before from (${from.toISOString()}); give to on or after from`);
    const before = after ? decodeCursor(after)[0] : null;
    if (after != null && !(before && /^\d{1,19}$/.test(before) && BigInt(before) <= MAX_ID)) throw bad('after', 'not a cursor this list gave');
    const empty = (): MatchDecisionConnection =>
      Object.assign(new MatchDecisionConnection(), { edges: [], pageInfo: Object.assign(new PageInfo(), { hasNextPage: false, endCursor: null }), totalCount: 0 });
    const person = personId == null ? null : await survivorOf(ctx.db, personId);
    if (personId != null && !person) return empty();

    const params: unknown[] = [own, person, sub, from, to];
    const where = `${IN_DPO_SCOPE}
      and ($2::uuid is null or $2 in (sa.person_id, sb.person_id) or exists (select 1 from identity.person p where p.id = any(${PERSONS}) and coalesce(p.replaced_by, p.id) = $2))
      and ($3::text is null or j.sub = $3)
      and ($4::timestamptz is null or j.recorded_at >= $4) and ($5::timestamptz is null or j.recorded_at <= $5)`;
    const from_ = `from identity.judgement j join identity.source_identity sa on sa.id = j.a join identity.source_identity sb on sb.id = j.b`;
    const rows = await ctx.db.query<DecisionRow>(
      `select j.id::text, j.recorded_at, j.judgement, j.reason, j.sub, j.agency, j.other_agency,
              coalesce(j.effect, case when j.judgement = 'NEGATIVE' and sa.person_id <> sb.person_id then 'KEPT_APART' else 'NO_CHANGE' end) as effect,
              ${identityJson('sa')} as record_a, ${identityJson('sb')} as record_b,
              (select json_agg(json_build_object('id', p.id, 'replaced_by', p.replaced_by) order by u.k)
                 from unnest(${PERSONS}) with ordinality u (id, k) join identity.person p on p.id = u.id) as persons
         ${from_}
        where ${where} and ($6::bigint is null or j.id < $6::bigint)
        order by j.id desc limit $7`,
      [...params, before, first + 1],
    );
    const [count] = await ctx.db.query<{ n: number }>(`select count(*)::int as n ${from_} where ${where}`, params);
    const page = rows.slice(0, first);
    return Object.assign(new MatchDecisionConnection(), {
      edges: page.map((r) => Object.assign(new MatchDecisionEdge(), {
        cursor: encodeCursor(r.id),
        node: Object.assign(new MatchDecision(), {
          id: r.id, at: r.recorded_at, sub: r.sub, agency: r.agency, otherAgency: r.other_agency, decision: DECISION[r.judgement], reason: r.reason, effect: r.effect,
          records: [r.record_a, r.record_b].map((s) => SourceIdentity.fromRow(withDates<SourceIdentityRow>(s, IDENTITY_DATES))),
          persons: (r.persons ?? []).map((p) => Object.assign(new Person(), { id: p.id, replacedBy: p.replaced_by })),
        }),
      })),
      pageInfo: Object.assign(new PageInfo(), { hasNextPage: rows.length > first, endCursor: page.length ? encodeCursor(page.at(-1)!.id) : null }),
      totalCount: count?.n ?? 0,
    });
  }
}
