/**
 * The suggestion queue: pairs of children's records the matcher believes are one child, put in
 * front of a person who decides. `matchSuggestions` lists, for an agency that holds a record of
 * either child, one suggestion per pair of persons (the likeliest pair of their records), a missing
 * child first, then by probability; `Person.possibleMatches` is one child's part of it.
 * `decideSuggestion` records SAME (the persons merge), DIFFERENT (never suggested again; after a
 * SAME it restores both persons as they were, ids included) or UNSURE (it stays in the queue), each
 * a judgement with its reason and an audit event on both children. `rejectMatchAlert` is DIFFERENT
 * for an alert's pair. Evidence is guarded as in search results.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, Field, Float, ID, Info, Int, Mutation, ObjectType, Query, registerEnumType, Resolver, Root, FieldResolver } from 'type-graphql';
import { GuardedInResolver, Public, PublicType, requirePractitioner, signature } from '../../access';
import { clientPath, type RequestContext, type ResponsePath } from '../../context';
import type { Db } from '../../db';
import { ErrorCode, HarbourError } from '../../errors';
import type { Contribution } from '../../matching';
import { linkIfAllowed, rebuildPersons } from '../../resolution';
import { DateTimeScalar } from '../scalars';
import { PageInfo } from '../connection';
import { withDates, type JsonRow } from '../shared';
import { guardEvidence } from './evidence';
import { identityLoaders, isUuid } from './identity.loader';
import { auditDecision, insertJudgement, settleJudgement } from './judgements';
import { IDENTITY_DATES, identityJson, Person, SourceIdentity, type SourceIdentityRow } from './identity.types';
import { FieldContribution, MatchGradeEnum } from './search.types';

export enum SuggestionStatus { OPEN = 'OPEN', SAME = 'SAME', DIFFERENT = 'DIFFERENT', UNSURE = 'UNSURE' }
export enum SuggestionDecision { SAME = 'SAME', DIFFERENT = 'DIFFERENT', UNSURE = 'UNSURE' }
registerEnumType(SuggestionStatus, { name: 'SuggestionStatus', description: 'OPEN until a person decides; UNSURE stays in the queue.' });
registerEnumType(SuggestionDecision, { name: 'SuggestionDecision', description: 'Whether two records are one child: SAME, DIFFERENT or UNSURE.' });

@ObjectType({ description: 'Two records the matcher believes are one child, for a person to decide.' })
export class MatchSuggestion {
  @Public('an opaque id') @Field(() => ID) id!: string;
  @Public('the workflow') @Field(() => SuggestionStatus) status!: SuggestionStatus;
  @Public('the records; each of their facts is guarded') @Field(() => [SourceIdentity], { description: 'The two records, side by side; their fields are guarded as everywhere.' }) records!: SourceIdentity[];
  @Public('person ids; the caller’s agency holds a record of one of them') @Field(() => [Person], { description: 'The two children as harbour holds them now.' }) persons!: Person[];
  @Public('a score') @Field(() => Float) probability!: number;
  @Public('a grade') @Field(() => MatchGradeEnum) grade!: MatchGradeEnum;
  @Public('a score') @Field(() => Float) matchWeight!: number;
  @Public('the list; each contribution is guarded') @Field(() => [FieldContribution]) contributions!: FieldContribution[];
  @GuardedInResolver('guardEvidence: only reasons from categories the caller may see') @Field(() => [String]) reasons!: string[];
  @Public('the workflow') @Field(() => DateTimeScalar, { nullable: true }) decidedAt!: Date | null;
  @Public('the workflow: which user decided') @Field(() => String, { nullable: true }) decidedBy!: string | null;
  @Public('the decider’s reason, about the match, not the child') @Field(() => String, { nullable: true }) decisionReason!: string | null;
}

@PublicType('connection structure')
@ObjectType()
class MatchSuggestionEdge {
  @Field(() => MatchSuggestion) node!: MatchSuggestion;
  @Field() cursor!: string;
}

@PublicType('connection structure')
@ObjectType()
export class MatchSuggestionConnection {
  @Field(() => [MatchSuggestionEdge]) edges!: MatchSuggestionEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int, { description: 'Suggestions of this status for the caller’s agency.' }) totalCount!: number;
  @Field(() => Int, { description: 'Open suggestions for the caller’s agency (for a badge).' }) openCount!: number;
}

interface SuggestionRow {
  id: string; status: SuggestionStatus; a: string; b: string; person_a: string; person_b: string; probability: number; grade: MatchGradeEnum; weight: number;
  contributions: Contribution[]; reasons: string[]; decided_at: Date | null; decided_by: string | null; decision_reason: string | null;
  merged: { survivor: string; absorbed: string; members: string[] } | null;
  record_a: JsonRow<SourceIdentityRow>; record_b: JsonRow<SourceIdentityRow>;
}

/** The columns of a suggestion row, `m` the suggestion and `sa`, `sb` its records. */
const ROW_COLUMNS = `m.id, m.status, m.a, m.b, sa.person_id as person_a, sb.person_id as person_b, m.probability, m.grade, m.weight, m.contributions, m.reasons,
  m.decided_at, m.decided_by, m.decision_reason, m.merged, ${identityJson('sa')} as record_a, ${identityJson('sb')} as record_b`;

/** A child missing now: an open LA episode or police report on any of its records. */
const MISSING = (person: string) => `exists (select 1 from identity.source_identity x where x.person_id = ${person} and x.retracted_at is null
  and (exists (select 1 from care.missing_episode e where e.source_identity_id = x.id and e.ended_at is null and e.retracted_at is null)
    or exists (select 1 from police.missing_report r where r.source_identity_id = x.id and r.found_at is null and r.retracted_at is null)))`;

/**
 * The suggestions the agency `$1` may see (it holds a record of either child), one per pair of
 * persons while they wait, with `where` added; ordered a missing child first, then by probability.
 * Computed from the suggestions themselves, row by row: for one suggestion by id and for decided
 * ones; a page of the waiting queue reads `identity.suggestion_queue` (`waitingPageSql`).
 */
function queueSql(where: string): string {
  // Waiting suggestions group by their pair of persons; a decided one stands alone.
  const waiting = `m.status in ('OPEN', 'UNSURE')`;
  const group = `case when ${waiting} then least(sa.person_id, sb.person_id)::text || greatest(sa.person_id, sb.person_id)::text else m.id::text end`;
  return `select * from (
      select distinct on (${group})
             ${ROW_COLUMNS},
             (${MISSING('sa.person_id')} or ${MISSING('sb.person_id')}) as urgent
        from identity.match_suggestion m
        join identity.source_identity sa on sa.id = m.a and sa.retracted_at is null
        join identity.source_identity sb on sb.id = m.b and sb.retracted_at is null
       where (not ${waiting} or sa.person_id <> sb.person_id)
         and exists (select 1 from identity.source_identity o where o.person_id in (sa.person_id, sb.person_id) and o.agency = $1 and o.retracted_at is null)
         and ${where}
       order by ${group}, m.probability desc, m.id) q
    order by q.urgent desc, q.probability desc, q.id`;
}

const MAX_FIRST = 100;
const MIN_REASON = 10;

function offsetOf(after: string | null | undefined, what: string): number {
  if (!after) return 0;
  const n = Number(Buffer.from(after, 'base64url').toString());
  if (!Number.isInteger(n) || n < 0 || n > 1_000_000) throw new HarbourError(ErrorCode.BAD_USER_INPUT, `${what}: after is not a cursor this connection gave`);
  return n;
}

async function toSuggestion(ctx: RequestContext, row: SuggestionRow, path: ResponsePath): Promise<MatchSuggestion> {
  const records = [row.record_a, row.record_b].map((r) => SourceIdentity.fromRow(withDates<SourceIdentityRow>(r, IDENTITY_DATES)));
  // The evidence compares both records: guarded by the child whose record is another agency's.
  const other = records.find((r) => r.agency !== ctx.access.own) ?? records[0]!;
  const { contributions, reasons } = await guardEvidence(ctx, other.personId, row.contributions, path);
  return Object.assign(new MatchSuggestion(), {
    id: row.id, status: row.status, records,
    persons: [...new Set([row.person_a, row.person_b])].map((id) => Object.assign(new Person(), { id, replacedBy: null })),
    probability: row.probability, grade: row.grade, matchWeight: row.weight, contributions, reasons,
    decidedAt: row.decided_at, decidedBy: row.decided_by, decisionReason: row.decision_reason,
  });
}

/** Which part of the queue a connection lists: one status for the agency, or one child's waiting pairs. */
type Scope = { readonly status: SuggestionStatus } | { readonly personId: string };

/**
 * A page of waiting suggestions (OPEN or UNSURE) from `identity.suggestion_queue` (`$1` the agency,
 * `$2` the status or the child, `$3` the limit, `$4` the offset): an index walk in the queue's
 * order, then the page's suggestions and records. A child's part keeps one row per pair of persons
 * (OPEN and UNSURE suggestions of one pair are one entry, the likelier first).
 */
function waitingPageSql(scope: Scope): string {
  const heads = 'status' in scope
    ? `select suggestion_id, urgent, probability from identity.suggestion_queue where agency = $1 and status = $2
        order by urgent desc, probability desc, suggestion_id limit $3 offset $4`
    : `select * from (select distinct on (person_a, person_b) suggestion_id, urgent, probability from identity.suggestion_queue
                        where agency = $1 and (person_a = $2 or person_b = $2) order by person_a, person_b, probability desc, suggestion_id) p
        order by urgent desc, probability desc, suggestion_id limit $3 offset $4`;
  return `with q as (${heads})
    select ${ROW_COLUMNS}, q.urgent
      from q join identity.match_suggestion m on m.id = q.suggestion_id
      join identity.source_identity sa on sa.id = m.a join identity.source_identity sb on sb.id = m.b
     order by q.urgent desc, q.probability desc, q.suggestion_id`;
}

/**
 * `n`: the scope's suggestions (one per pair while they wait); `open`: the agency's open ones. An
 * agency's count of a status is a sum of a few rows of `identity.suggestion_queue_count`, not a
 * count of its queue (93k rows took 10 ms to count at 100k suggestions).
 */
function countSql(scope: Scope): string {
  const of = (status: string) => `(select coalesce(sum(n), 0)::int from identity.suggestion_queue_count where agency = $1 and status = ${status})`;
  if (!('status' in scope)) return `select count(distinct (person_a, person_b))::int as n, ${of(`'OPEN'`)} as open from identity.suggestion_queue where agency = $1 and (person_a = $2 or person_b = $2)`;
  if (scope.status === SuggestionStatus.OPEN || scope.status === SuggestionStatus.UNSURE) return `select ${of('$2')} as n, ${of(`'OPEN'`)} as open`;
  return `select count(*)::int as n, ${of(`'OPEN'`)} as open from (${queueSql('m.status = $2')}) q`;
}

async function page(ctx: RequestContext, what: string, scope: Scope, first: number, after: string | null, path: ResponsePath): Promise<MatchSuggestionConnection> {
  if (!(first >= 1 && first <= MAX_FIRST)) throw new HarbourError(ErrorCode.BAD_USER_INPUT, `${what}: first must be between 1 and ${MAX_FIRST}, received ${first}`);
  const offset = offsetOf(after, what);
  const agency = ctx.access.own ?? null;
  const key = 'status' in scope ? scope.status : scope.personId;
  // Decided suggestions stand alone, each as it was decided: listed from the suggestions themselves.
  const decided = 'status' in scope && (scope.status === SuggestionStatus.SAME || scope.status === SuggestionStatus.DIFFERENT);
  const rows = decided
    ? await ctx.db.query<SuggestionRow>(`${queueSql('m.status = $2')} limit $3 offset $4`, [agency, key, first + 1, offset])
    : await ctx.db.query<SuggestionRow>(waitingPageSql(scope), [agency, key, first + 1, offset]);
  const [count] = await ctx.db.query<{ n: number; open: number }>(countSql(scope), [agency, key]);
  const shown = rows.slice(0, first);
  const cursor = (i: number) => Buffer.from(String(offset + i + 1)).toString('base64url');
  return Object.assign(new MatchSuggestionConnection(), {
    edges: await Promise.all(shown.map(async (row, i) => Object.assign(new MatchSuggestionEdge(), { node: await toSuggestion(ctx, row, [...path, 'edges', i, 'node']), cursor: cursor(i) }))),
    pageInfo: Object.assign(new PageInfo(), { hasNextPage: rows.length > first, endCursor: shown.length ? cursor(shown.length - 1) : null }),
    totalCount: count?.n ?? 0,
    openCount: count?.open ?? 0,
  });
}

/** The members of a person now. */
async function membersOf(db: Db, personId: string): Promise<string[]> {
  return (await db.query<{ id: string }>(`select id from identity.source_identity where person_id = $1`, [personId])).map((r) => r.id);
}

/**
 * Undo a SAME: the judgement's link goes, and the person it absorbed gets its records and its id
 * back. Refused when other links still join the two (a shared fingerprint, another decision).
 */
async function restore(tx: Db, row: SuggestionRow, cause: string): Promise<void> {
  const merged = row.merged!;
  await tx.query(`update identity.link set removed_at = now() where a = $1 and b = $2 and method = 'JUDGEMENT' and removed_at is null`, [row.a, row.b]);
  await tx.query(`update identity.person set replaced_by = null, replaced_at = null where id = $1`, [merged.absorbed]);
  // Children merged into the absorbed one earlier were re-pointed at the survivor by the merge
  // (`replaced_by` is one step): they point at the absorbed child again. Those whose last merge
  // was into it, or into one of them, and that the survivor holds now.
  await tx.query(
    `with recursive merged_into (id) as (
       select $1::uuid
       union
       select e.person_id from identity.person_event e join merged_into m on e.other_person_id = m.id
        where e.kind = 'MERGED_INTO'
          and not exists (select 1 from identity.person_event later where later.person_id = e.person_id and later.kind = 'MERGED_INTO' and later.id > e.id))
     update identity.person p set replaced_by = $1 where p.id in (select id from merged_into) and p.id <> $1 and p.replaced_by = $2`,
    [merged.absorbed, merged.survivor],
  );
  await tx.query(`update identity.source_identity set person_id = $1 where id = any($2::uuid[])`, [merged.absorbed, merged.members]);
  const changes = await rebuildPersons(tx, [row.a, row.b], cause);
  const [after] = await tx.query<{ same: boolean }>(`select (select person_id from identity.source_identity where id = $1) = (select person_id from identity.source_identity where id = $2) as same`, [row.a, row.b]);
  if (after!.same || changes.length) throw new HarbourError(ErrorCode.BAD_USER_INPUT, 'decideSuggestion: other links still join these records (a shared reference or another decision); they cannot be separated here');
  await tx.query(
    `insert into identity.person_event (person_id, kind, other_person_id, cause) values ($1, 'SPLIT_FROM', $2, $3)`,
    [merged.absorbed, merged.survivor, cause],
  );
}

@Resolver(() => Person)
export class SuggestionResolver {
  @Public('only suggestions about children the caller’s agency holds a record of; evidence guarded', 'Query')
  @Query(() => MatchSuggestionConnection, { description: 'Records that may be one child, for the agencies that hold either: a missing child first, then the likeliest.' })
  matchSuggestions(
    @Arg('status', () => SuggestionStatus, { defaultValue: SuggestionStatus.OPEN }) status: SuggestionStatus,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<MatchSuggestionConnection> {
    return page(ctx, 'matchSuggestions', { status }, first, after, clientPath(info.path, ctx));
  }

  @Public('the queue’s suggestions about this child, for an agency holding a record of either side', 'Person')
  @FieldResolver(() => MatchSuggestionConnection, { description: 'This child’s likely other records, waiting for a decision.' })
  possibleMatches(@Root() person: Person, @Arg('first', () => Int, { defaultValue: 10 }) first: number, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<MatchSuggestionConnection> {
    return page(ctx, 'possibleMatches', { personId: person.id }, first, null, clientPath(info.path, ctx));
  }

  @GuardedInResolver('a suggestion about a child the caller’s agency holds a record of', 'Mutation')
  @Mutation(() => MatchSuggestion, { description: 'Decide a suggestion: SAME merges the two children, DIFFERENT keeps them apart for good (after SAME: restores both), UNSURE leaves it in the queue.' })
  async decideSuggestion(
    @Arg('id', () => ID) id: string,
    @Arg('decision', () => SuggestionDecision) decision: SuggestionDecision,
    @Arg('reason') reason: string,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<MatchSuggestion> {
    const { principal } = ctx;
    requirePractitioner(principal, 'decideSuggestion');
    if (reason.trim().length < MIN_REASON || reason.length > 2000) throw new HarbourError(ErrorCode.BAD_USER_INPUT, `decideSuggestion: the reason must say why, in ${MIN_REASON} to 2000 characters`);
    const find = async (db: Db) => (isUuid(id) && ctx.access.own !== undefined ? (await db.query<SuggestionRow>(`${queueSql('m.id = $2')}`, [ctx.access.own, id]))[0] : undefined);
    const path = clientPath(info.path, ctx);
    const cause = `${decision} decision on a match suggestion by ${signature(principal)}`;
    await ctx.db.transaction(async (tx) => {
      await tx.query(`select 1 from identity.match_suggestion where id = $1 for update`, [isUuid(id) ? id : null]);
      const row = await find(tx);
      if (!row) throw new HarbourError(ErrorCode.NOT_FOUND, 'decideSuggestion: no such suggestion about a child your agency holds a record of');
      const undo = row.status === SuggestionStatus.SAME && decision === SuggestionDecision.DIFFERENT;
      if (row.status === SuggestionStatus.SAME || row.status === SuggestionStatus.DIFFERENT) {
        if (!undo) throw new HarbourError(ErrorCode.BAD_USER_INPUT, `decideSuggestion: already decided ${row.status}${row.status === SuggestionStatus.SAME ? '; DIFFERENT undoes it' : ''}`);
      }
      if (!undo && row.person_a === row.person_b) throw new HarbourError(ErrorCode.BAD_USER_INPUT, 'decideSuggestion: these records are one child already');
      const judgement = ({ SAME: 'POSITIVE', DIFFERENT: 'NEGATIVE', UNSURE: 'UNSURE' } as const)[decision];
      const { id: judgementId, other } = await insertJudgement(tx, row.a, row.b, judgement, reason, principal);
      let merged: SuggestionRow['merged'] = row.merged;
      if (decision === SuggestionDecision.SAME) {
        const before = { [row.person_a]: await membersOf(tx, row.person_a), [row.person_b]: await membersOf(tx, row.person_b) };
        if (!(await linkIfAllowed(tx, row.a, row.b, 'JUDGEMENT', `SAME decision by ${principal.sub}`))) {
          throw new HarbourError(ErrorCode.BAD_USER_INPUT, 'decideSuggestion: a DIFFERENT judgement stands between records of these two children');
        }
        await rebuildPersons(tx, [row.a, row.b], cause);
        const [survivor] = await tx.query<{ person_id: string }>(`select person_id from identity.source_identity where id = $1`, [row.a]);
        const absorbed = survivor!.person_id === row.person_a ? row.person_b : row.person_a;
        merged = { survivor: survivor!.person_id, absorbed, members: before[absorbed]! };
      } else if (undo) {
        await restore(tx, row, cause);
        merged = null;
      }
      // What the decision did, and to which children: the DPO's `matchDecisions` lists it.
      const persons = [...new Set([row.person_a, row.person_b])];
      if (decision === SuggestionDecision.SAME) await settleJudgement(tx, judgementId, 'MERGED', [merged!.survivor, merged!.absorbed]);
      else if (undo) await settleJudgement(tx, judgementId, 'UNDONE', [row.merged!.survivor, row.merged!.absorbed]);
      else await settleJudgement(tx, judgementId, decision === SuggestionDecision.DIFFERENT && persons.length > 1 ? 'KEPT_APART' : 'NO_CHANGE', persons);
      // Every waiting suggestion between these two children is decided with it.
      await tx.query(
        `update identity.match_suggestion m set status = $3, decided_by = $4, decided_at = now(), decision_reason = $5, merged = case when m.id = $6 then $7::jsonb else m.merged end
          from identity.source_identity sa, identity.source_identity sb
         where sa.id = m.a and sb.id = m.b and (m.id = $6 or (m.status in ('OPEN', 'UNSURE') and array[sa.person_id, sb.person_id] <@ array[$1::uuid, $2::uuid]))`,
        [row.person_a, row.person_b, decision, signature(principal), reason.trim(), row.id, merged ? JSON.stringify(merged) : null],
      );
      auditDecision(ctx.access, [row.person_a, row.person_b], other, path);
    });
    const row = await find(ctx.db);
    if (!row) throw new HarbourError(ErrorCode.NOT_FOUND, 'decideSuggestion: no such suggestion about a child your agency holds a record of');
    identityLoaders(ctx).person.clearAll();
    return toSuggestion(ctx, row, path);
  }
}
