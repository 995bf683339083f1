/**
 * The safeguarding view of one child for a strategy discussion (DfE ¶36, NSPCC ¶57–62): plan
 * readiness, risk signals and the chronology across every agency, and the discussions themselves
 * with their decisions, the police–LA ownership agreement and actions.
 *
 * Every item is guarded by the categories of the records behind it. A plan item the viewer may not
 * see is WITHHELD (present, never reported as missing); a signal or an event the viewer may not
 * see is left out, and `withheldCategories` says, from the rules alone, what the viewer cannot see.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { DateScalar, DateTimeScalar } from '../scalars';
import { Arg, Ctx, Directive, Field, FieldResolver, ID, Info, InputType, Mutation, ObjectType, Resolver, Root, registerEnumType } from 'type-graphql';
import DataLoader from 'dataloader';
import { Contained, DataCategory, GuardedInResolver, OWN_AGENCY, Public, requireAgencyCode, requireOwnAgency, requirePractitioner, signature, type Owned } from '../../access';
import { clientPath, type RequestContext, type ResponsePath } from '../../context';
import type { Db } from '../../db';
import { ErrorCode, HarbourError } from '../../errors';
import '../enums';
import { listLoader, perRequestLoaders, survivorOf } from '../shared';
import { loadFacts, planReadiness, riskSignals, PLAN_ITEM_KINDS, RISK_SIGNAL_KINDS, type Evidence, type Facts } from './facts';
import { isUuid } from '../../ids';
import { detailsLoader, PLACE_OF, sentence } from './summary';

const enumOf = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;
export const PlanItemKindEnum = enumOf(PLAN_ITEM_KINDS);
export const RiskSignalKindEnum = enumOf(RISK_SIGNAL_KINDS);
export const TIMELINE_KINDS = [
  'PLACEMENT_STARTED', 'PLACEMENT_ENDED', 'WENT_MISSING', 'RETURNED', 'UASC_CEASED', 'PLAN_ITEM_RECORDED', 'CONSENT_GIVEN', 'CONSENT_WITHDRAWN',
  'MISSING_REPORTED', 'RISK_GRADED', 'UKMPU_NOTIFIED', 'FOUND', 'CUSTODY', 'ENCOUNTER', 'ASYLUM_CLAIMED', 'ASYLUM_DECIDED', 'NRM_REFERRED',
  'NRM_REASONABLE_GROUNDS', 'NRM_CONCLUSIVE_GROUNDS', 'AGE_ASSESSED', 'STRATEGY_DISCUSSION', 'RECORD_CORRECTED',
] as const;
export const TimelineKindEnum = enumOf(TIMELINE_KINDS);
export enum PlanItemStatus { PRESENT = 'PRESENT', MISSING = 'MISSING', DECLINED = 'DECLINED', NOT_APPLICABLE = 'NOT_APPLICABLE', WITHHELD = 'WITHHELD' }
export enum ActionStatus { OPEN = 'OPEN', DONE = 'DONE', CANCELLED = 'CANCELLED' }
registerEnumType(PlanItemKindEnum, { name: 'PlanItemKind', description: 'What the plan for a missing or trafficked child must hold (NSPCC ¶57–62).' });
registerEnumType(RiskSignalKindEnum, { name: 'RiskSignalKind' });
registerEnumType(TimelineKindEnum, { name: 'TimelineKind' });
registerEnumType(PlanItemStatus, { name: 'PlanItemStatus', description: 'WITHHELD: an agency’s record shows it, and the viewer may not see that record.' });
registerEnumType(ActionStatus, { name: 'ActionStatus' });

@Contained()
@ObjectType({ description: 'One item of the plan, as the records of every agency show it.' })
export class PlanItem {
  @Field(() => PlanItemKindEnum) kind!: string;
  @Field(() => PlanItemStatus) status!: PlanItemStatus;
  @Field(() => String, { nullable: true, description: 'The agency whose record shows it (null when withheld or missing).' }) agency!: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'The date the source record gives for it (never when harbour imported it); null when withheld, missing, or the source gave none.' }) recordedAt!: Date | null;
}

@Contained()
@ObjectType({ description: 'A risk the records show, computed by the hub.' })
export class RiskSignal {
  @Field(() => RiskSignalKindEnum) kind!: string;
  @Field(() => DateTimeScalar) since!: Date;
  @Field() detail!: string;
}

@Contained()
@ObjectType({ description: 'One dated fact an agency recorded, with a link to its record.' })
export class TimelineEvent {
  @Field(() => DateTimeScalar) at!: Date;
  @Field(() => TimelineKindEnum) kind!: string;
  @Field() agency!: string;
  @Field(() => DataCategory) category!: DataCategory;
  @Field({ description: 'The record: `schema.table:id`.' }) record!: string;
  @Field({ description: 'Dated in the future (a planned review, a discussion to be held): due, not yet happened.' }) due!: boolean;
  personId!: string;
  recordTable!: string;
  recordId!: string;

  @GuardedInResolver('released with its event; a place in it (LOCATION) only when LOCATION is released, else left out and reported withheld at this path')
  @Field(() => String, { nullable: true, description: 'The event as a plain sentence, from the values you may see ("Reported missing to Kent Police; last seen Ashford; risk MEDIUM"); a place you may not see is left out (and listed in extensions.withheld).' })
  async summary(@Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<string | null> {
    const details = await safeguardingLoaders(ctx).details.load(`${this.recordTable}:${this.recordId}`);
    // Decided whether or not the record holds a place: "none" and "not allowed" look alike.
    const place = PLACE_OF[this.kind] !== undefined && (await ctx.access.check(this.personId, this.agency, DataCategory.LOCATION, clientPath(info.path, ctx)));
    return sentence(this.kind, this.agency, details, place);
  }
}

@Contained()
@ObjectType({ description: 'An action agreed at a strategy discussion.' })
export class StrategyAction {
  @Field(() => ID) id!: string;
  @Field() description!: string;
  @Field() ownerAgency!: string;
  @Field(() => DateScalar) dueOn!: string;
  @Field(() => ActionStatus) status!: ActionStatus;
  @Field({ description: 'Open and past its due date.' }) overdue!: boolean;
  @Field(() => String, { nullable: true, description: 'The note given with the latest status change (updateAction).' }) note!: string | null;
  @Field({ description: 'Who last recorded or changed it: `sub (agency)`.' }) updatedBy!: string;
  @Field(() => DateTimeScalar) updatedAt!: Date;
}

@Contained()
@ObjectType({ description: 'A multi-agency strategy discussion about a child (DfE ¶36).' })
export class StrategyDiscussion implements Owned {
  @Field(() => ID) id!: string;
  @Field({ description: 'The agency that convened it.' }) convenedBy!: string;
  @Field(() => DateScalar) heldOn!: string;
  @Field(() => [String], { description: 'Participating agency codes.' }) agencies!: string[];
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => String, { nullable: true, description: 'The police–LA ownership agreement: who takes ownership if the child is found in another area.' }) ownershipAgency!: string | null;
  @Field(() => String, { nullable: true }) ownershipNote!: string | null;
  @Field(() => [String]) decisions!: string[];
  personId!: string;
  ownerAgency!: string;

  @Field(() => [StrategyAction])
  actions(@Ctx() ctx: RequestContext): Promise<StrategyAction[]> {
    return safeguardingLoaders(ctx).actions.load(this.id);
  }
}

export interface DiscussionRow {
  person_id: string; id: string; convened_by: string; held_on: string; agencies: string[]; created_at: Date;
  ownership_agency: string | null; ownership_note: string | null; decisions: string[];
}
export interface ActionRow { discussion_id: string; id: string; description: string; owner_agency: string; due_on: string; status: ActionStatus; overdue: boolean; note: string | null; recorded_by: string; updated_at: Date }
interface EventRow { person_id: string; agency: string; kind: string; category: DataCategory; at: Date; record_table: string; record_id: string }

export const DISCUSSION_COLUMNS = `t.person_id, t.id, t.convened_by, to_char(t.held_on, 'YYYY-MM-DD') as held_on, t.agencies, t.created_at, t.ownership_agency, t.ownership_note, t.decisions`;
export const discussionOf = (r: DiscussionRow) => Object.assign(new StrategyDiscussion(), {
  id: r.id, convenedBy: r.convened_by, heldOn: r.held_on, agencies: r.agencies, createdAt: r.created_at, ownershipAgency: r.ownership_agency,
  ownershipNote: r.ownership_note, decisions: r.decisions, personId: r.person_id, ownerAgency: r.convened_by,
});
export const ACTION_COLUMNS = `a.discussion_id, a.id, a.description, a.owner_agency, to_char(a.due_on, 'YYYY-MM-DD') as due_on, a.status, (a.status = 'OPEN' and a.due_on < current_date) as overdue, a.note, a.recorded_by, a.updated_at`;
export const actionOf = (r: ActionRow) => Object.assign(new StrategyAction(), {
  id: r.id, description: r.description, ownerAgency: r.owner_agency, dueOn: r.due_on, status: r.status, overdue: r.overdue, note: r.note, updatedBy: r.recorded_by, updatedAt: r.updated_at,
});

function createLoaders(db: Db) {
  return {
    discussions: listLoader(db, `select ${DISCUSSION_COLUMNS} from safeguarding.strategy_discussion t where t.person_id = any($1::uuid[]) order by t.held_on, t.id`, 'person_id', discussionOf),
    actions: listLoader(db, `select ${ACTION_COLUMNS} from safeguarding.strategy_action a where a.discussion_id = any($1::uuid[]) order by a.due_on, a.id`, 'discussion_id', actionOf),
    events: listLoader(
      db,
      `select person_id, agency, kind, category, at, record_table, record_id from safeguarding.timeline_event where person_id = any($1::uuid[])
       union all
       select person_id, convened_by, 'STRATEGY_DISCUSSION', 'CARE_PLAN', held_on::timestamptz, 'safeguarding.strategy_discussion', id::text
         from safeguarding.strategy_discussion where person_id = any($1::uuid[])
       order by at, kind`,
      'person_id',
      (r: EventRow) => r,
    ),
    facts: new DataLoader<string, Facts>((ids) => loadFacts(db, ids)),
    details: detailsLoader(db),
  };
}

const safeguardingLoaders = perRequestLoaders(createLoaders);

/** Is every piece of evidence released to the viewer? Each decision is recorded for the audit at `path`. */
async function allReleased(ctx: RequestContext, personId: string, evidence: readonly Evidence[], path: ResponsePath, tellClient: boolean): Promise<boolean> {
  const released = await Promise.all(evidence.map((e) => ctx.access.check(personId, e.agency || undefined, e.category, path, tellClient)));
  return released.every(Boolean);
}

@ObjectType({ description: 'The safeguarding picture of a child across agencies, as far as the viewer may see it.' })
export class SafeguardingView implements Owned {
  personId!: string;
  readonly ownerAgency = undefined;

  @GuardedInResolver('each item by the categories of the records behind it; WITHHELD when the viewer may not see them')
  @Field(() => [PlanItem])
  async planReadiness(@Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<PlanItem[]> {
    const path = clientPath(info.path, ctx);
    const findings = planReadiness(await safeguardingLoaders(ctx).facts.load(this.personId));
    return Promise.all(findings.map(async (f, i) => {
      const item = Object.assign(new PlanItem(), { kind: f.kind, status: f.status as string as PlanItemStatus, agency: null, recordedAt: null });
      if (!f.evidence.length) return item;
      // The newest record the viewer may see speaks for the item; if none, it is present but withheld.
      const decisions = await Promise.all(f.evidence.map((e) => ctx.access.decide(this.personId, e.agency, e.category)));
      const shown = decisions.findIndex((d) => d.kind === 'RELEASED');
      const k = shown === -1 ? 0 : shown;
      const e = f.evidence[k]!;
      ctx.access.record(this.personId, e.category, shown === -1 ? [...path, i, 'status'] : [...path, i], decisions[k]!);
      return shown === -1 ? Object.assign(item, { status: PlanItemStatus.WITHHELD }) : Object.assign(item, { agency: e.agency, recordedAt: e.at });
    }));
  }

  @GuardedInResolver('each signal by every category it is computed from; left out otherwise')
  @Field(() => [RiskSignal])
  async riskSignals(@Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<RiskSignal[]> {
    const path = clientPath(info.path, ctx);
    const signals = riskSignals(await safeguardingLoaders(ctx).facts.load(this.personId), new Date());
    const visible = await Promise.all(signals.map((s, i) => allReleased(ctx, this.personId, s.evidence, [...path, i], false)));
    return signals.filter((_, i) => visible[i]).map((s) => Object.assign(new RiskSignal(), { kind: s.kind, since: s.since, detail: s.detail }));
  }

  @GuardedInResolver('each event by its category and agency; left out otherwise')
  @Field(() => [TimelineEvent], { description: 'Every agency’s dated facts, oldest first; filter by kind and time.' })
  async chronology(
    @Arg('kinds', () => [TimelineKindEnum], { nullable: true }) kinds: string[] | null,
    @Arg('from', () => DateTimeScalar, { nullable: true }) from: Date | null,
    @Arg('to', () => DateTimeScalar, { nullable: true }) to: Date | null,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<TimelineEvent[]> {
    const path = clientPath(info.path, ctx);
    const events = (await safeguardingLoaders(ctx).events.load(this.personId))
      .filter((e) => (!kinds?.length || kinds.includes(e.kind)) && (!from || e.at >= from) && (!to || e.at <= to));
    const decisions = await Promise.all(events.map((e) => ctx.access.decide(this.personId, e.agency, e.category)));
    const out: TimelineEvent[] = [];
    const now = Date.now();
    events.forEach((e, k) => {
      const decision = decisions[k]!;
      ctx.access.record(this.personId, e.category, decision.kind === 'RELEASED' ? [...path, out.length] : path, decision, false);
      if (decision.kind === 'RELEASED') {
        out.push(Object.assign(new TimelineEvent(), {
          at: e.at, kind: e.kind, agency: e.agency, category: e.category, record: `${e.record_table}:${e.record_id}`, due: e.at.getTime() > now,
          personId: this.personId, recordTable: e.record_table, recordId: e.record_id,
        }));
      }
    });
    return out;
  }

  @GuardedInResolver('participants and the convening agency see a discussion; others by CARE_PLAN')
  @Field(() => [StrategyDiscussion])
  async discussions(@Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<StrategyDiscussion[]> {
    const path = clientPath(info.path, ctx);
    const all = await safeguardingLoaders(ctx).discussions.load(this.personId);
    const out: StrategyDiscussion[] = [];
    for (const d of all) {
      // An agency that took part holds the discussion as its own record.
      const own = ctx.access.own;
      const participant = own !== undefined && d.agencies.includes(own);
      const decision = participant ? OWN_AGENCY : await ctx.access.decide(this.personId, d.convenedBy, DataCategory.CARE_PLAN);
      ctx.access.record(this.personId, DataCategory.CARE_PLAN, decision.kind === 'RELEASED' ? [...path, out.length] : path, decision, false);
      if (decision.kind === 'RELEASED') out.push(d);
    }
    return out;
  }

  @Public('what the rules withhold from the viewer for this child: about the viewer’s own access, not the child')
  @Field(() => [DataCategory], { description: 'Categories of other agencies’ records the viewer may not see for this child now; items of these are left out or WITHHELD.' })
  async withheldCategories(@Ctx() ctx: RequestContext): Promise<DataCategory[]> {
    const all = Object.values(DataCategory);
    const decisions = await Promise.all(all.map((c) => ctx.access.decide(this.personId, undefined, c)));
    return all.filter((_, i) => decisions[i]!.kind === 'WITHHELD');
  }
}

/** A discussion is recorded within this many days of when it is held (a year either side). */
const HELD_ON_WINDOW_DAYS = 366;

/**
 * Whether the caller's agency has a relationship to the child that makes it a party to a strategy
 * discussion: a record of the child, a match alert about the child for the agency, or a basis in force.
 */
async function relatedTo(ctx: RequestContext, personId: string, own: string): Promise<boolean> {
  const [row] = await ctx.db.query<{ related: boolean }>(
    `select exists (select 1 from identity.source_identity s where s.person_id = $1 and s.agency = $2 and s.retracted_at is null)
         or exists (select 1 from identity.match_alert a join identity.source_identity s on s.id in (a.missing_identity_id, a.candidate_identity_id)
                     where s.person_id = $1 and $2 = any(a.agencies)) as related`,
    [personId, own],
  );
  return row!.related || ctx.access.hasBasis(personId);
}

@InputType()
export class StrategyDiscussionInput {
  @Field(() => ID) personId!: string;
  @Field(() => [String], { description: 'Participating agency codes; the caller’s is added.' }) agencies!: string[];
  @Field(() => DateScalar) heldOn!: string;
  @Field(() => String, { nullable: true, description: 'The police–LA ownership agreement: the agency that takes ownership if the child is found elsewhere.' }) ownershipAgency?: string | null;
  @Field(() => String, { nullable: true }) ownershipNote?: string | null;
  @Field(() => [String], { nullable: true }) decisions?: string[] | null;
}

@InputType()
export class ActionInput {
  @Field() description!: string;
  @Field() ownerAgency!: string;
  @Field(() => DateScalar) dueOn!: string;
  @Field(() => ActionStatus, { nullable: true, description: 'Default OPEN.' }) status?: ActionStatus | null;
  @Field(() => ID, { nullable: true, description: 'Update this action instead of adding one.' }) id?: string | null;
}

@Directive('@key(fields: "id")')
@ObjectType('Person')
export class SafeguardingPerson {
  @Field(() => ID) id!: string;
}

@Resolver(() => SafeguardingPerson)
export class SafeguardingResolver {
  @Public('the safeguarding view; each of its fields is guarded', 'Person')
  @FieldResolver(() => SafeguardingView, { nullable: true, description: 'Plan readiness, risk signals, chronology and strategy discussions.' })
  safeguarding(@Root() person: SafeguardingPerson): SafeguardingView {
    return Object.assign(new SafeguardingView(), { personId: person.id });
  }

  @GuardedInResolver('returns the discussion to the agency that convened it', 'Mutation')
  @Mutation(() => StrategyDiscussion, { description: 'Convene a strategy discussion about a child: participants, date, decisions and the police–LA ownership agreement.' })
  async conveneStrategyDiscussion(@Arg('input', () => StrategyDiscussionInput) input: StrategyDiscussionInput, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<StrategyDiscussion> {
    const { principal } = ctx;
    requirePractitioner(principal, 'conveneStrategyDiscussion');
    const own = requireOwnAgency(principal, 'conveneStrategyDiscussion');
    const agencies = [...new Set([own, ...input.agencies])];
    for (const a of agencies) requireAgencyCode(a, 'conveneStrategyDiscussion: agencies');
    if (input.ownershipAgency) requireAgencyCode(input.ownershipAgency, 'conveneStrategyDiscussion: ownershipAgency');
    const decisions = (input.decisions ?? []).map((d) => d.trim()).filter(Boolean);
    if (decisions.some((d) => d.length > 2000) || (input.ownershipNote ?? '').length > 2000) throw new HarbourError(ErrorCode.BAD_USER_INPUT, 'conveneStrategyDiscussion: a decision or note is over 2000 characters');
    const heldOn = new Date(`${input.heldOn}T00:00:00Z`).getTime();
    if (Math.abs(heldOn - Date.now()) > HELD_ON_WINDOW_DAYS * 86_400_000) {
      throw new HarbourError(ErrorCode.BAD_USER_INPUT, `conveneStrategyDiscussion: heldOn must be within ${HELD_ON_WINDOW_DAYS} days of today`);
    }
    // "Not found" and "no relationship" look alike: convening is not a way to learn who exists.
    const personId = await survivorOf(ctx.db, input.personId);
    if (!personId || !(await relatedTo(ctx, personId, own))) throw new HarbourError(ErrorCode.NOT_FOUND, 'conveneStrategyDiscussion: no such person your agency has a record of, an alert about or a basis for');
    const [row] = await ctx.db.query<DiscussionRow>(
      `insert into safeguarding.strategy_discussion as t (person_id, convened_by, convened_by_sub, held_on, agencies, ownership_agency, ownership_note, decisions)
       values ($1, $2, $3, $4, $5, $6, $7, $8) returning ${DISCUSSION_COLUMNS}`,
      [personId, own, principal.sub, input.heldOn, agencies, input.ownershipAgency ?? null, input.ownershipNote?.trim() || null, decisions],
    );
    ctx.access.recordChange(personId, DataCategory.CARE_PLAN, clientPath(info.path, ctx));
    ctx.log.info({ discussionId: row!.id, personId }, 'strategy discussion convened');
    return discussionOf(row!);
  }

  @GuardedInResolver('participants of the discussion only', 'Mutation')
  @Mutation(() => StrategyAction, { description: 'Add an action to a discussion the caller’s agency took part in, or update one (status, due date).' })
  async recordAction(@Arg('discussionId', () => ID) discussionId: string, @Arg('input', () => ActionInput) input: ActionInput, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<StrategyAction> {
    const { principal } = ctx;
    requirePractitioner(principal, 'recordAction');
    requireAgencyCode(input.ownerAgency, 'recordAction: ownerAgency');
    const description = input.description.trim();
    if (description.length < 3 || description.length > 2000) throw new HarbourError(ErrorCode.BAD_USER_INPUT, 'recordAction: the description must be 3 to 2000 characters');
    const notFound = () => new HarbourError(ErrorCode.NOT_FOUND, 'recordAction: no such discussion (or action) your agency took part in');
    if (!isUuid(discussionId) || (input.id && !isUuid(input.id))) throw notFound();
    const own = ctx.access.own;
    if (own === undefined) throw notFound();
    const [discussion] = await ctx.db.query<{ person_id: string }>(`select person_id from safeguarding.strategy_discussion where id = $1 and $2 = any(agencies)`, [discussionId, own]);
    if (!discussion) throw notFound();
    const params = [discussionId, description, input.ownerAgency, input.dueOn, input.status ?? ActionStatus.OPEN, signature(principal)];
    const rows = input.id
      ? await ctx.db.query<ActionRow>(
          `update safeguarding.strategy_action a set description = $2, owner_agency = $3, due_on = $4, status = $5, recorded_by = $6, updated_at = now()
            where a.id = $7 and a.discussion_id = $1 returning ${ACTION_COLUMNS}`,
          [...params, input.id],
        )
      : await ctx.db.query<ActionRow>(
          `insert into safeguarding.strategy_action as a (discussion_id, description, owner_agency, due_on, status, recorded_by)
           values ($1, $2, $3, $4, $5, $6) returning ${ACTION_COLUMNS}`,
          params,
        );
    if (!rows[0]) throw notFound();
    ctx.access.recordChange(discussion.person_id, DataCategory.CARE_PLAN, clientPath(info.path, ctx));
    return actionOf(rows[0]);
  }
}

