/**
 * What a console shows an agency across its children (issue 25):
 *
 * - `missingNow`: the children missing now — those with an open missing episode (LA) or report
 *   (police) in the agency's own records and, as far as the sharing agreement and the missing-child
 *   rule release MISSING to the viewer, every other agency's; one item per child, highest risk first.
 * - `actionsDue`: the open strategy actions the agency owns, overdue or due soon.
 * - `updateAction`: a status change (with a note) by the action's owner agency or the convening one.
 *
 * Each item is decided with the same access decisions as the child's own view and recorded for
 * the audit at the client's path; what the viewer may not see is left out (a list of children is
 * not a way to learn that a child the viewer may not see is missing).
 */
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, Field, ID, Info, Int, Mutation, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import { Contained, DataCategory, GuardedInResolver, OWN_AGENCY, PRACTITIONER_ROLES, signature, type Decision } from '../../access';
import { clientPath, type RequestContext } from '../../context';
import { ErrorCode, HarbourError } from '../../errors';
import { isUuid } from '../../ids';
import { PageInfo } from '../connection';
import { DateTimeScalar } from '../scalars';
import {
  ACTION_COLUMNS, actionOf, ActionStatus, DISCUSSION_COLUMNS, discussionOf, SafeguardingPerson, StrategyAction, StrategyDiscussion,
  type ActionRow, type DiscussionRow,
} from './index';

export enum MissingRiskLevel { NO_APPARENT_RISK = 'NO_APPARENT_RISK', LOW = 'LOW', MEDIUM = 'MEDIUM', HIGH = 'HIGH' }
registerEnumType(MissingRiskLevel, { name: 'RiskLevel', description: 'College of Policing APP risk grading.' });

/** Highest risk first; a child no record grades comes after every graded one. */
const RISK_ORDER: Record<MissingRiskLevel, number> = { HIGH: 0, MEDIUM: 1, LOW: 2, NO_APPARENT_RISK: 3 };
const riskRank = (r: MissingRiskLevel | null) => (r === null ? 4 : RISK_ORDER[r]);

@Contained()
@ObjectType({ description: 'A child missing now, from the open missing episodes and reports the viewer may see.' })
export class MissingChild {
  @Field(() => SafeguardingPerson, { description: 'The child; its identity fields are guarded as everywhere.' }) person!: SafeguardingPerson;
  @Field(() => DateTimeScalar, { description: 'When the child went missing: the earliest start (police: last seen, else reported) among those records.' }) startedAt!: Date;
  @Field({ description: 'The agency whose record reports that earliest start.' }) agency!: string;
  @Field(() => [String], { description: 'Every agency whose open record (that you may see) reports the child missing.' }) agencies!: string[];
  @Field(() => MissingRiskLevel, { nullable: true, description: 'The highest current risk grading among those records; null when none is graded.' }) riskLevel!: MissingRiskLevel | null;
  @Field({ description: 'True when one of those records is your own agency’s.' }) ownRecord!: boolean;
}

@Contained()
@ObjectType()
export class MissingChildEdge {
  @Field(() => MissingChild) node!: MissingChild;
  @Field() cursor!: string;
}

@Contained()
@ObjectType({ description: 'Children missing now, highest risk first, then missing longest first.' })
export class MissingChildConnection {
  @Field(() => [MissingChildEdge]) edges!: MissingChildEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int, { description: 'Children missing now that you may see.' }) totalCount!: number;
}

@Contained()
@ObjectType({ description: 'An open strategy action your agency owns, with the discussion it was agreed at.' })
export class DueAction {
  @Field(() => StrategyAction) action!: StrategyAction;
  @Field(() => StrategyDiscussion, { nullable: true, description: 'Null (and in extensions.withheld) when your agency did not take part and may not see the convening agency’s CARE_PLAN.' }) discussion!: StrategyDiscussion | null;
  @Field(() => ID, { description: 'The child (the surviving id, if merged).' }) personId!: string;
  @Field(() => SafeguardingPerson) person!: SafeguardingPerson;
}

interface OpenRow { person_id: string; agency: string; started_at: Date; risk: MissingRiskLevel | null }

/**
 * Open LA episodes and police reports that have started; `$1`: whether other agencies' count
 * (false when the agreement never releases MISSING to the viewer), `$2`: the viewer's own agency.
 */
const OPEN_EPISODES = `
  select si.person_id, t.agency, t.started_at, t.risk_level as risk
    from care.missing_episode t join identity.source_identity si on si.id = t.source_identity_id and si.retracted_at is null
   where t.ended_at is null and t.retracted_at is null and t.started_at <= now() and ($1::boolean or t.agency = $2)
  union all
  select si.person_id, t.agency, coalesce(t.last_seen_at, t.reported_at),
         (select g.level from police.risk_grading g where g.missing_report_id = t.id order by g.graded_at desc, g.id desc limit 1)
    from police.missing_report t join identity.source_identity si on si.id = t.source_identity_id and si.retracted_at is null
   where t.found_at is null and t.retracted_at is null and coalesce(t.last_seen_at, t.reported_at) <= now() and ($1::boolean or t.agency = $2)`;

const MAX_FIRST = 200;
const MAX_WITHIN_DAYS = 366;

const bad = (what: string, argument: string, message: string) => new HarbourError(ErrorCode.BAD_USER_INPUT, `${what}(${argument}): ${message}`, { argument });

function requireFirst(what: string, first: number): void {
  if (!(Number.isInteger(first) && first >= 1 && first <= MAX_FIRST)) throw bad(what, 'first', `must be between 1 and ${MAX_FIRST}, received ${first}`);
}

function offsetOf(what: string, after: string | null): number {
  if (!after) return 0;
  const n = Number(Buffer.from(after, 'base64url').toString());
  if (!Number.isInteger(n) || n < 0 || n > 1_000_000) throw bad(what, 'after', 'is not a cursor this list gave');
  return n;
}

const personOf = (id: string) => Object.assign(new SafeguardingPerson(), { id });

@Resolver()
export class ConsoleResolver {
  @GuardedInResolver('each child by MISSING for the records behind it (own agency, agreement, missing-child rule); left out otherwise', 'Query')
  @Query(() => MissingChildConnection, { description: 'Children missing now: your agency’s open missing episodes and reports, and every other agency’s that you may see (the agreement, the missing-child rule); highest risk first, then missing longest.' })
  async missingNow(
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<MissingChildConnection> {
    requireFirst('missingNow', first);
    const offset = offsetOf('missingNow', after);
    const own = ctx.access.own;
    const others = ctx.access.rule(DataCategory.MISSING) !== 'NEVER';
    const rows = await ctx.db.query<OpenRow>(OPEN_EPISODES, [others, own ?? null]);
    const decisions = await Promise.all(rows.map((r) => ctx.access.decide(r.person_id, r.agency, DataCategory.MISSING)));
    const byPerson = new Map<string, { row: OpenRow; decision: Decision }[]>();
    rows.forEach((row, i) => {
      const decision = decisions[i]!;
      if (decision.kind !== 'RELEASED') return;
      const list = byPerson.get(row.person_id) ?? [];
      list.push({ row, decision });
      byPerson.set(row.person_id, list);
    });
    const children = [...byPerson.entries()].map(([personId, records]) => {
      records.sort((a, b) => a.row.started_at.getTime() - b.row.started_at.getTime() || a.row.agency.localeCompare(b.row.agency));
      const risk = records.map((r) => r.row.risk).reduce<MissingRiskLevel | null>((best, r) => (riskRank(r) < riskRank(best) ? r : best), null);
      const child = Object.assign(new MissingChild(), {
        person: personOf(personId), startedAt: records[0]!.row.started_at, agency: records[0]!.row.agency,
        agencies: [...new Set(records.map((r) => r.row.agency))].sort(), riskLevel: risk, ownRecord: records.some((r) => own !== undefined && r.row.agency === own),
      });
      return { child, records };
    });
    children.sort((a, b) => riskRank(a.child.riskLevel) - riskRank(b.child.riskLevel)
      || a.child.startedAt.getTime() - b.child.startedAt.getTime() || a.child.person.id.localeCompare(b.child.person.id));
    const shown = children.slice(offset, offset + first);
    const path = clientPath(info.path, ctx);
    // What reaches the client is recorded; a child left out (or not on this page) is not disclosed.
    shown.forEach(({ records }, i) => {
      for (const { row, decision } of records) ctx.access.record(row.person_id, DataCategory.MISSING, [...path, 'edges', i, 'node'], decision);
    });
    const cursor = (i: number) => Buffer.from(String(offset + i + 1)).toString('base64url');
    return Object.assign(new MissingChildConnection(), {
      edges: shown.map(({ child }, i) => Object.assign(new MissingChildEdge(), { node: child, cursor: cursor(i) })),
      pageInfo: Object.assign(new PageInfo(), { hasNextPage: children.length > offset + first, endCursor: shown.length ? cursor(shown.length - 1) : null }),
      totalCount: children.length,
    });
  }

  @GuardedInResolver('actions assigned to the caller’s own agency (its own to act on); each discussion as in Person.safeguarding.discussions', 'Query')
  @Query(() => [DueAction], { description: 'Open strategy actions your agency owns that are overdue or due within `withinDays` days, soonest due first.' })
  async actionsDue(
    @Arg('withinDays', () => Int, { defaultValue: 14 }) withinDays: number,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<DueAction[]> {
    if (!(Number.isInteger(withinDays) && withinDays >= 0 && withinDays <= MAX_WITHIN_DAYS)) throw bad('actionsDue', 'withinDays', `must be between 0 and ${MAX_WITHIN_DAYS} days, received ${withinDays}`);
    requireFirst('actionsDue', first);
    const own = ctx.access.own;
    if (own === undefined) return [];
    const actions = await ctx.db.query<ActionRow & { person_id: string }>(
      `select ${ACTION_COLUMNS}, coalesce(p.replaced_by, p.id) as person_id
         from safeguarding.strategy_action a
         join safeguarding.strategy_discussion d on d.id = a.discussion_id
         join identity.person p on p.id = d.person_id
        where a.owner_agency = $1 and a.status = 'OPEN' and a.due_on <= current_date + $2::int
        order by a.due_on, a.id limit $3`,
      [own, withinDays, first],
    );
    const discussionRows = actions.length
      ? await ctx.db.query<DiscussionRow>(`select ${DISCUSSION_COLUMNS} from safeguarding.strategy_discussion t where t.id = any($1::uuid[])`, [[...new Set(actions.map((a) => a.discussion_id))]])
      : [];
    const discussions = new Map(discussionRows.map((r) => [r.id, r]));
    const path = clientPath(info.path, ctx);
    return Promise.all(actions.map(async (a, i) => {
      const personId = a.person_id;
      ctx.access.record(personId, DataCategory.CARE_PLAN, [...path, i, 'action'], OWN_AGENCY);
      const d = discussionOf({ ...discussions.get(a.discussion_id)!, person_id: personId });
      // As Person.safeguarding.discussions: a participant holds it as its own; anyone else by CARE_PLAN.
      const decision = d.agencies.includes(own) ? OWN_AGENCY : await ctx.access.decide(personId, d.convenedBy, DataCategory.CARE_PLAN);
      ctx.access.record(personId, DataCategory.CARE_PLAN, [...path, i, 'discussion'], decision);
      return Object.assign(new DueAction(), { action: actionOf(a), discussion: decision.kind === 'RELEASED' ? d : null, personId, person: personOf(personId) });
    }));
  }

  @GuardedInResolver('a practitioner of the action’s owner agency or of the convening agency; returns only that action', 'Mutation')
  @Mutation(() => StrategyAction, { description: 'Change an action’s status, with an optional note: for a practitioner of the agency that owns the action or that convened its discussion.' })
  async updateAction(
    @Arg('id', () => ID) id: string,
    @Arg('status', () => ActionStatus) status: ActionStatus,
    @Arg('note', () => String, { nullable: true }) note: string | null,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<StrategyAction> {
    const { principal } = ctx;
    const text = note?.trim() || null;
    if (text !== null && text.length > 2000) throw bad('updateAction', 'note', `at most 2000 characters, received ${text.length}`);
    const notFound = () => new HarbourError(ErrorCode.NOT_FOUND, 'updateAction: no such action');
    if (!isUuid(id)) throw notFound();
    const own = ctx.access.own;
    const practitioner = principal.roles.some((r) => PRACTITIONER_ROLES.has(r));
    const row = await ctx.db.transaction(async (tx) => {
      const [found] = await tx.query<{ owner_agency: string; convened_by: string; person_id: string }>(
        `select a.owner_agency, d.convened_by, coalesce(p.replaced_by, p.id) as person_id
           from safeguarding.strategy_action a join safeguarding.strategy_discussion d on d.id = a.discussion_id join identity.person p on p.id = d.person_id
          where a.id = $1 for update of a`,
        [id],
      );
      if (!found) throw notFound();
      if (!practitioner || own === undefined || (own !== found.owner_agency && own !== found.convened_by)) {
        throw new HarbourError(ErrorCode.FORBIDDEN, 'updateAction: only a practitioner (CASEWORKER, OFFICER or MASH_COORDINATOR) of the agency that owns the action, or of the agency that convened its discussion, may change it');
      }
      const by = signature(principal);
      const [updated] = await tx.query<ActionRow>(
        `update safeguarding.strategy_action a set status = $2, note = $3, recorded_by = $4, updated_at = now() where a.id = $1 returning ${ACTION_COLUMNS}`,
        [id, status, text, by],
      );
      await tx.query(`insert into safeguarding.action_update (action_id, status, note, updated_by) values ($1, $2, $3, $4)`, [id, status, text, by]);
      return { action: updated!, personId: found.person_id };
    });
    ctx.access.recordChange(row.personId, DataCategory.CARE_PLAN, clientPath(info.path, ctx));
    ctx.log.info({ actionId: id, personId: row.personId, status }, 'strategy action updated');
    return actionOf(row.action);
  }
}
