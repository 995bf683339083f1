/**
 * Match alerts for the agencies that must act: `matchAlerts` (a Relay connection, newest first)
 * lists the alerts naming the caller's agency; `acknowledgeMatchAlert` records who saw one. An
 * alert of another agency is "not found". Evidence is guarded like search results.
 */
import { Public, PublicType, GuardedInResolver, requirePractitioner, signature } from '../../access';
import type { GraphQLResolveInfo } from 'graphql';
import { DateTimeScalar, readDateTime } from '../scalars';
import { Arg, Ctx, Field, Float, ID, Info, Int, Mutation, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import { clientPath, type RequestContext, type ResponsePath } from '../../context';
import { ErrorCode, HarbourError } from '../../errors';
import type { Contribution } from '../../matching';
import { PageInfo } from '../connection';
import { withDates, type JsonRow } from '../shared';
import { guardEvidence } from './evidence';
import { isUuid } from './identity.loader';
import { auditDecision, insertJudgement, personsOf, settleJudgement } from './judgements';
import { IDENTITY_DATES, identityJson, Person, SourceIdentity, type SourceIdentityRow } from './identity.types';
import { FieldContribution, MatchGradeEnum } from './search.types';

export enum MatchAlertStatus { OPEN = 'OPEN', ACKNOWLEDGED = 'ACKNOWLEDGED', REJECTED = 'REJECTED' }
registerEnumType(MatchAlertStatus, { name: 'MatchAlertStatus' });

@ObjectType({ description: 'A record that arrived and matches a child with an open missing episode.' })
export class MatchAlert {
  @Public('an opaque id') @Field(() => ID) id!: string;
  @Public('the alert workflow') @Field(() => MatchAlertStatus) status!: MatchAlertStatus;
  @Public('the alert workflow') @Field(() => DateTimeScalar) raisedAt!: Date;
  @Public('a person id; alerts go only to the agencies that must act') @Field(() => Person, { description: 'The child who is missing.' }) missingPerson!: Person;
  @Public('the record; each of its facts is guarded') @Field(() => SourceIdentity, { description: 'The record that arrived and matches; its fields are guarded as everywhere.' }) candidate!: SourceIdentity;
  @Public('the records; each of their facts is guarded') @Field(() => [SourceIdentity], { description: 'Every record of the candidate child the alert rests on (one alert per missing child and candidate child).' }) candidates!: SourceIdentity[];
  @Public('a score') @Field(() => Float) probability!: number;
  @Public('a grade') @Field(() => MatchGradeEnum) grade!: MatchGradeEnum;
  @Public('a score') @Field(() => Float) matchWeight!: number;
  @Public('the list; each contribution is guarded') @Field(() => [FieldContribution]) contributions!: FieldContribution[];
  @GuardedInResolver('guardEvidence: only reasons from categories the caller may see') @Field(() => [String]) reasons!: string[];
  @Public('the agencies the alert is addressed to, the caller among them') @Field(() => [String], { description: 'The agencies that must act: the LA the child is missing from, the police force with the report.' }) agencies!: string[];
  @Public('the alert workflow') @Field(() => DateTimeScalar, { nullable: true }) acknowledgedAt!: Date | null;
  @Public('the alert workflow: which user acted') @Field(() => String, { nullable: true }) acknowledgedBy!: string | null;
  @Public('the alert workflow: which user answered "not this child"') @Field(() => String, { nullable: true }) rejectedBy!: string | null;
  @Public('the decider’s reason, about the match, not the child') @Field(() => String, { nullable: true }) rejectionReason!: string | null;
}

@PublicType('connection structure')
@ObjectType()
class MatchAlertEdge {
  @Field(() => MatchAlert) node!: MatchAlert;
  @Field() cursor!: string;
}


@PublicType('connection structure')
@ObjectType()
export class MatchAlertConnection {
  @Field(() => [MatchAlertEdge]) edges!: MatchAlertEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}

interface AlertRow {
  id: string;
  status: MatchAlertStatus;
  raised_at: Date;
  missing_person_id: string;
  probability: number;
  grade: MatchGradeEnum;
  weight: number;
  contributions: Contribution[];
  agencies: string[];
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  rejected_by: string | null;
  rejection_reason: string | null;
  candidate: JsonRow<SourceIdentityRow>;
  candidates: JsonRow<SourceIdentityRow>[];
}

const SELECT = `select a.id, a.status, a.raised_at, a.missing_person_id, a.probability, a.grade, a.weight, a.contributions, a.agencies, a.acknowledged_at, a.acknowledged_by, a.rejected_by, a.rejection_reason,
       ${identityJson('s')} as candidate,
       (select coalesce(json_agg(${identityJson('o')} order by o.id), '[]') from identity.source_identity o where o.id = any(a.candidate_identity_ids) and o.retracted_at is null) as candidates
  from identity.match_alert a join identity.source_identity s on s.id = a.candidate_identity_id`;

const MAX_FIRST = 100;

function cursorOf(row: { raised_at: Date; id: string }): string {
  return Buffer.from(`${row.raised_at.toISOString()}|${row.id}`).toString('base64url');
}

function afterCursor(cursor: string): [string, string] {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  // The time as cursorOf wrote it: a DateTime within 0001–9999 (Date.parse takes years PostgreSQL refuses).
  if (!at || !id || !isUuid(id) || !(readDateTime(at) instanceof Date)) throw new HarbourError(ErrorCode.BAD_USER_INPUT, 'matchAlerts: after is not a cursor this connection gave');
  return [at, id];
}

async function toAlert(ctx: RequestContext, row: AlertRow, path: ResponsePath): Promise<MatchAlert> {
  const [candidate, ...candidates] = [row.candidate, ...row.candidates].map((r) => SourceIdentity.fromRow(withDates<SourceIdentityRow>(r, IDENTITY_DATES)));
  const { contributions, reasons } = await guardEvidence(ctx, row.missing_person_id, row.contributions, path);
  return Object.assign(new MatchAlert(), {
    id: row.id,
    status: row.status,
    raisedAt: row.raised_at,
    missingPerson: Object.assign(new Person(), { id: row.missing_person_id, replacedBy: null }),
    candidate,
    candidates,
    probability: row.probability,
    grade: row.grade,
    matchWeight: row.weight,
    contributions,
    reasons,
    agencies: row.agencies,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    rejectedBy: row.rejected_by,
    rejectionReason: row.rejection_reason,
  });
}

@Resolver()
export class AlertResolver {
  @Public('only alerts addressed to the caller’s agency; evidence guarded', 'Query')
  @Query(() => MatchAlertConnection, { description: 'Match alerts naming the caller’s agency, newest first.' })
  async matchAlerts(
    @Arg('status', () => MatchAlertStatus, { nullable: true }) status: MatchAlertStatus | null,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<MatchAlertConnection> {
    if (!(first >= 1 && first <= MAX_FIRST)) throw new HarbourError(ErrorCode.BAD_USER_INPUT, `matchAlerts: first must be between 1 and ${MAX_FIRST}, received ${first}`);
    const [at, id] = after ? afterCursor(after) : [null, null];
    // Addressed to the agency that must act: a principal of the kind its code stands for
    // (`ownAgency`); for any other the agency is null, and no alert names it.
    const agency = ctx.access.own ?? null;
    const rows = await ctx.db.query<AlertRow>(
      `${SELECT} where $1 = any(a.agencies) and ($2::text is null or a.status = $2)
         and ($3::timestamptz is null or (a.raised_at, a.id) < ($3::timestamptz, $4::uuid))
       order by a.raised_at desc, a.id desc limit $5`,
      [agency, status, at, id, first + 1],
    );
    const [count] = await ctx.db.query<{ n: number }>(`select count(*)::int as n from identity.match_alert a where $1 = any(a.agencies) and ($2::text is null or a.status = $2)`, [agency, status]);
    const path = clientPath(info.path, ctx);
    const page = rows.slice(0, first);
    return Object.assign(new MatchAlertConnection(), {
      edges: await Promise.all(page.map(async (row, i) => Object.assign(new MatchAlertEdge(), { node: await toAlert(ctx, row, [...path, 'edges', i, 'node']), cursor: cursorOf(row) }))),
      pageInfo: Object.assign(new PageInfo(), { hasNextPage: rows.length > first, endCursor: page.length ? cursorOf(page[page.length - 1]!) : null }),
      totalCount: count?.n ?? 0,
    });
  }

  @Public('only an alert addressed to the caller’s agency', 'Mutation')
  @Mutation(() => MatchAlert, { description: 'Record that the caller’s agency has seen an alert and is acting on it.' })
  async acknowledgeMatchAlert(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<MatchAlert> {
    const { sub } = ctx.principal;
    const agency = ctx.access.own;
    const notFound = () => new HarbourError(ErrorCode.NOT_FOUND, 'acknowledgeMatchAlert: no such alert');
    if (!isUuid(id) || agency === undefined) throw notFound();
    await ctx.db.query(
      `update identity.match_alert set status = 'ACKNOWLEDGED', acknowledged_at = now(), acknowledged_by = $3
        where id = $1 and $2 = any(agencies) and status = 'OPEN'`,
      [id, agency, `${sub} (${agency})`],
    );
    const [row] = await ctx.db.query<AlertRow>(`${SELECT} where a.id = $1 and $2 = any(a.agencies)`, [id, agency]);
    if (!row) throw notFound();
    return toAlert(ctx, row, clientPath(info.path, ctx));
  }

  @Public('only an alert addressed to the caller’s agency', 'Mutation')
  @Mutation(() => MatchAlert, { description: 'Answer an alert "not this child": the two records are judged DIFFERENT and never alerted or suggested together again.' })
  async rejectMatchAlert(@Arg('id', () => ID) id: string, @Arg('reason') reason: string, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<MatchAlert> {
    const { principal } = ctx;
    requirePractitioner(principal, 'rejectMatchAlert');
    if (reason.trim().length < 10 || reason.length > 2000) throw new HarbourError(ErrorCode.BAD_USER_INPUT, 'rejectMatchAlert: the reason must say why, in 10 to 2000 characters');
    const agency = ctx.access.own;
    const notFound = () => new HarbourError(ErrorCode.NOT_FOUND, 'rejectMatchAlert: no such open alert for your agency');
    if (!isUuid(id) || agency === undefined) throw notFound();
    await ctx.db.transaction(async (tx) => {
      const [alert] = await tx.query<{ m: string; c: string }>(
        `update identity.match_alert set status = 'REJECTED', rejected_at = now(), rejected_by = $3, rejection_reason = $4, acknowledged_at = null, acknowledged_by = null
          where id = $1 and $2 = any(agencies) and status <> 'REJECTED' returning missing_identity_id as m, candidate_identity_id as c`,
        [id, agency, signature(principal), reason.trim()],
      );
      if (!alert) throw notFound();
      const [a, b] = alert.m < alert.c ? [alert.m, alert.c] : [alert.c, alert.m];
      const persons = await personsOf(tx, [a, b]);
      const { id: judgementId, other } = await insertJudgement(tx, a, b, 'NEGATIVE', reason, principal);
      await settleJudgement(tx, judgementId, persons.length > 1 ? 'KEPT_APART' : 'NO_CHANGE', persons);
      auditDecision(ctx.access, persons, other, clientPath(info.path, ctx));
    });
    const [row] = await ctx.db.query<AlertRow>(`${SELECT} where a.id = $1`, [id]);
    return toAlert(ctx, row!, clientPath(info.path, ctx));
  }
}
