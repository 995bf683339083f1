/**
 * The people around a disclosure: a professional declares a safeguarding justification
 * (break-glass), any caller asks why it would or would not see a category, and the data protection
 * officer (DPO role) reads the audit and reviews every justification.
 *
 * A DPO's scope is their own agency: the persons it holds records of, the users it employs and the
 * justifications it declared or that concern its children. Outside it, "not found" (or nothing).
 */

import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { claimedAgency, DataCategory, GuardedInResolver, Public, ReleaseBasis, requireAgencyCode, requireDpo, requirePractitioner, SEALED, signature } from '../../access';
import type { RequestContext } from '../../context';
import { ErrorCode, HarbourError } from '../../errors';
import { decodeCursor, encodeCursor, PageInfo } from '../connection';
import { survivorOf } from '../shared';
import { DateTimeScalar } from '../scalars';
import {
  AccessBasis, AccessExplanation, AgreementRuleEnum, AuditEvent, AuditEventConnection, AuditEventEdge, AuditOutcome,
  JustificationInput, ReviewOutcome, ReviewStatus, SafeguardingJustification, type StatutoryBasis,
} from './access.types';
import { isUuid } from '../../ids';
import { GraphQLJSONObject } from 'graphql-scalars';
import { subjectAccess } from '../../ingest/sar';

export const MIN_JUSTIFICATION_REASON = 40;
export const DEFAULT_JUSTIFICATION_HOURS = 72;
const MAX_FIRST = 200;
const MAX_BIGINT = 2n ** 63n - 1n;

async function agencyHolds(ctx: RequestContext, personId: string): Promise<boolean> {
  if (ctx.access.own === undefined) return false;
  const rows = await ctx.db.query(`select 1 from identity.source_identity where person_id = $1 and agency = $2 and retracted_at is null limit 1`, [personId, ctx.access.own]);
  return rows.length > 0;
}


function explain(category: DataCategory, e: Omit<AccessExplanation, 'explanation' | 'personId' | 'category'>, kind: string): string {
  const own = e.ownRecord ? ' Your agency’s own records of this child are always visible to you.' : '';
  const agreement = `The sharing agreement (version ${e.agreementVersion})`;
  if (e.rule === AgreementRuleEnum.NEVER) return `${agreement} never releases ${category} to ${kind}; no consent or justification changes that.${own}`;
  switch (e.basis) {
    case AccessBasis.AGREEMENT:
      return `${agreement} releases ${category} to ${kind}.${own}`;
    case AccessBasis.CONSENT:
      return `Released by the child’s recorded consent ${e.basisId}.${own}`;
    case AccessBasis.MISSING_CHILD_RULE:
      return `Released by the missing-child rule: the child is missing now and your agency is among those searching.${own}`;
    case AccessBasis.JUSTIFICATION:
      return `Released by safeguarding justification ${e.basisId}: break-glass, every use flagged for the data protection officer.${own}`;
    default: {
      const why = e.sealed && e.rule === AgreementRuleEnum.ALWAYS
        ? `${category} is sealed: it needs a basis even though ${agreement.toLowerCase()} trusts ${kind}`
        : `${agreement} releases ${category} to ${kind} only with a basis, and none is in force`;
      const words: Record<ReleaseBasis, string> = { CONSENT: 'the child’s consent', JUSTIFICATION: 'a safeguarding justification', MISSING_CHILD_RULE: 'the missing-child rule, while the child is missing' };
      return `Withheld: ${why}. It could be released by ${e.releasableWith.map((b) => words[b]).join(', or ')}.${own}`;
    }
  }
}

interface JustificationRow {
  id: string; person_id: string; declared_by: string; agency: string; statutory_basis: StatutoryBasis; reason: string; categories: DataCategory[];
  recipients: string[]; declared_at: Date; expires_at: Date; active: boolean; uses: number; review_status: ReviewStatus;
  review_outcome: ReviewOutcome | null; reviewed_by: string | null; reviewed_at: Date | null; review_note: string | null;
}

const JUSTIFICATION_COLUMNS = `j.id, j.person_id, j.declared_by, j.agency, j.statutory_basis, j.reason, j.categories, j.recipients, j.declared_at, j.expires_at,
  j.expires_at > now() as active, j.review_status, j.review_outcome, j.reviewed_by, j.reviewed_at, j.review_note,
  (select count(*)::int from audit.event e where e.basis_kind = 'JUSTIFICATION' and e.basis_id = j.id::text) as uses`;

/** A DPO's justifications: declared by their agency, or about a child their agency holds records of. */
const IN_DPO_SCOPE = `(j.agency = $1 or exists (select 1 from identity.source_identity s where s.agency = $1 and s.retracted_at is null
  and s.person_id in (j.person_id, (select p.replaced_by from identity.person p where p.id = j.person_id))))`;

function justificationOf(r: JustificationRow): SafeguardingJustification {
  return Object.assign(new SafeguardingJustification(), {
    id: r.id, personId: r.person_id, declaredBy: r.declared_by, agency: r.agency, statutoryBasis: r.statutory_basis, reason: r.reason,
    categories: r.categories, recipients: r.recipients, declaredAt: r.declared_at, expiresAt: r.expires_at, active: r.active, uses: r.uses,
    reviewStatus: r.review_status, reviewOutcome: r.review_outcome, reviewedBy: r.reviewed_by, reviewedAt: r.reviewed_at, reviewNote: r.review_note,
  });
}

interface EventRow {
  seq: string; at: Date; request_id: string; sub: string; agency: string; roles: string[]; person_id: string | null; category: DataCategory;
  paths: string; outcome: AuditOutcome; basis_kind: AccessBasis | null; basis_id: string | null;
}

/**
 * A page of audit events matching `where(n)` (a condition over `e` whose parameters start at `$n`),
 * newest first; the cursor is the sequence number.
 */
async function eventPage(ctx: RequestContext, field: string, where: (n: number) => string, params: unknown[], first: number, after: string | null): Promise<AuditEventConnection> {
  if (!(first >= 1 && first <= MAX_FIRST)) throw new HarbourError(ErrorCode.BAD_USER_INPUT, `${field}: first must be between 1 and ${MAX_FIRST}, received ${first}`);
  const before = after ? decodeCursor(after)[0] : null;
  // A sequence number is a bigint: anything else, or past its range, is not a cursor this list gave.
  if (before !== null && before !== undefined && !(/^\d{1,19}$/.test(before) && BigInt(before) <= MAX_BIGINT)) throw new HarbourError(ErrorCode.BAD_USER_INPUT, `${field}: after is not a cursor this list gave`);
  const rows = await ctx.db.query<EventRow>(
    `select e.seq::text, e.at, e.request_id, e.sub, e.agency, e.roles, e.person_id, e.category, e.paths, e.outcome, e.basis_kind, e.basis_id
       from audit.event e where ${where(3)} and ($1::bigint is null or e.seq < $1::bigint) order by e.seq desc limit $2`,
    [before ?? null, first + 1, ...params],
  );
  const [count] = await ctx.db.query<{ n: number }>(`select count(*)::int as n from audit.event e where ${where(1)}`, params);
  const page = rows.slice(0, first);
  return Object.assign(new AuditEventConnection(), {
    edges: page.map((r) => Object.assign(new AuditEventEdge(), {
      cursor: encodeCursor(r.seq),
      node: Object.assign(new AuditEvent(), {
        seq: r.seq, at: r.at, requestId: r.request_id, sub: r.sub, agency: r.agency, roles: r.roles, personId: r.person_id, category: r.category,
        paths: (JSON.parse(r.paths) as (string | number)[][]).map((p) => p.map(String)), outcome: r.outcome, basis: r.basis_kind, basisId: r.basis_id,
      }),
    })),
    pageInfo: Object.assign(new PageInfo(), { hasNextPage: rows.length > first, endCursor: page.length ? encodeCursor(page.at(-1)!.seq) : null }),
    totalCount: count?.n ?? 0,
  });
}

/**
 * `where` narrowed to events at or after `from` and at or before `to` (either may be null); a
 * range that ends before it starts is the client's mistake, named by `to`.
 */
function inPeriod(field: string, where: (n: number) => string, params: unknown[], from: Date | null, to: Date | null): [(n: number) => string, unknown[]] {
  if (from && to && to.getTime() < from.getTime()) {
    throw new HarbourError(ErrorCode.BAD_USER_INPUT, `${field}(to): ${to.toISOString()} is before from (${from.toISOString()}); give to on or after from`, { argument: 'to' });
  }
  const k = params.length;
  return [(n) => `${where(n)} and ($${n + k}::timestamptz is null or e.at >= $${n + k}) and ($${n + k + 1}::timestamptz is null or e.at <= $${n + k + 1})`, [...params, from, to]];
}

const EMPTY = (): AuditEventConnection =>
  Object.assign(new AuditEventConnection(), { edges: [], pageInfo: Object.assign(new PageInfo(), { hasNextPage: false, endCursor: null }), totalCount: 0 });

@Resolver()
export class AccessGovernanceResolver {
  @Public('about the caller’s own access: a rule and a basis, never a value', 'Query')
  @Query(() => AccessExplanation, { description: 'Would the caller see this category of a person’s information recorded by other agencies; on which basis, or why not.' })
  async explainAccess(
    @Arg('personId', () => ID) personId: string,
    @Arg('category', () => DataCategory) category: DataCategory,
    @Ctx() ctx: RequestContext,
  ): Promise<AccessExplanation> {
    const id = (await survivorOf(ctx.db, personId)) ?? personId;
    const [decision, ownRecord] = await Promise.all([ctx.access.decide(id, undefined, category), isUuid(id) ? agencyHolds(ctx, id) : false]);
    const fields = {
      released: decision.kind === 'RELEASED',
      basis: decision.kind === 'RELEASED' ? (decision.basis as AccessBasis) : null,
      basisId: decision.kind === 'RELEASED' ? (decision.basisId ?? null) : null,
      rule: ctx.access.rule(category) as AgreementRuleEnum,
      agreementVersion: ctx.access.agreement.version,
      sealed: SEALED.has(category),
      ownRecord,
      releasableWith: decision.kind === 'WITHHELD' ? [...decision.releasableWith] : [],
    };
    return Object.assign(new AccessExplanation(), { personId, category, ...fields, explanation: explain(category, fields, ctx.principal.agencyKind) });
  }

  @GuardedInResolver('DPO only: persons the DPO’s agency holds records of', 'Query')
  @Query(() => AuditEventConnection, { description: 'Every access decision about a person, newest first (DPO only; persons your agency holds records of).' })
  async auditTrail(
    @Arg('personId', () => ID) personId: string,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('from', () => DateTimeScalar, { nullable: true, description: 'Only events at or after this time.' }) from: Date | null,
    @Arg('to', () => DateTimeScalar, { nullable: true, description: 'Only events at or before this time.' }) to: Date | null,
    @Ctx() ctx: RequestContext,
  ): Promise<AuditEventConnection> {
    requireDpo(ctx.principal, 'auditTrail');
    // The person and every person merged into it.
    const [where, params] = inPeriod('auditTrail', (n) => `e.person_id in (select p.id from identity.person p where p.id = $${n} or p.replaced_by = $${n})`, [personId], from ?? null, to ?? null);
    const id = await survivorOf(ctx.db, personId);
    if (!id || !(await agencyHolds(ctx, id))) return EMPTY();
    return eventPage(ctx, 'auditTrail', where, [id, ...params.slice(1)], first, after);
  }

  @GuardedInResolver('DPO only: users of the DPO’s own agency', 'Query')
  @Query(() => AuditEventConnection, { description: 'Every access decision for one user of your agency, newest first (DPO only).' })
  async accessBy(
    @Arg('sub') sub: string,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('from', () => DateTimeScalar, { nullable: true, description: 'Only events at or after this time.' }) from: Date | null,
    @Arg('to', () => DateTimeScalar, { nullable: true, description: 'Only events at or before this time.' }) to: Date | null,
    @Ctx() ctx: RequestContext,
  ): Promise<AuditEventConnection> {
    const own = requireDpo(ctx.principal, 'accessBy');
    const [where, params] = inPeriod('accessBy', (n) => `e.sub = $${n} and e.agency = $${n + 1}`, [sub, own], from ?? null, to ?? null);
    return eventPage(ctx, 'accessBy', where, params, first, after);
  }

  @GuardedInResolver('DPO only: a child the DPO’s own agency holds a record of; the DPO consults other agencies before release', 'Query')
  @Query(() => GraphQLJSONObject, { description: 'Subject access (DPO only): everything harbour holds about the child your agency’s record belongs to, every disclosure of it and every match decision; items another agency holds are marked for consultation (as harbour sar).' })
  async subjectAccess(@Arg('localId') localId: string, @Ctx() ctx: RequestContext): Promise<Record<string, unknown>> {
    const own = requireDpo(ctx.principal, 'subjectAccess');
    const sar = await subjectAccess(ctx.db, own, localId);
    ctx.log.info({ personId: sar.personId }, 'subject access');
    // Another agency's facts do not reach this browser: the DPO consults that agency (harbour sar, run by the operator, has them).
    const records = sar.records.map((r) => (r.consultBeforeRelease ? { ...r, facts: {}, factsWithheld: `held by ${r.heldBy}: consult it` } : r));
    return { ...sar, records };
  }

  @GuardedInResolver('DPO only: justifications of the DPO’s agency or about its children', 'Query')
  @Query(() => [SafeguardingJustification], { description: 'Safeguarding justifications for review, oldest first (DPO only).' })
  async breakGlassReviews(@Arg('status', () => ReviewStatus, { nullable: true }) status: ReviewStatus | null, @Ctx() ctx: RequestContext): Promise<SafeguardingJustification[]> {
    const own = requireDpo(ctx.principal, 'breakGlassReviews');
    const rows = await ctx.db.query<JustificationRow>(
      `select ${JUSTIFICATION_COLUMNS} from access.justification j
        where ${IN_DPO_SCOPE} and ($2::text is null or j.review_status = $2) order by j.declared_at, j.id limit 1000`,
      [own, status],
    );
    return rows.map(justificationOf);
  }

  @GuardedInResolver('the declarer’s own justification', 'Mutation')
  @Mutation(() => SafeguardingJustification, { description: 'Declare that a child’s safety needs categories shared without consent (break-glass): it is a basis at once, until it expires, and goes to the DPO for review.' })
  async declareSafeguardingJustification(@Arg('input', () => JustificationInput) input: JustificationInput, @Ctx() ctx: RequestContext): Promise<SafeguardingJustification> {
    const { principal } = ctx;
    requirePractitioner(principal, 'declareSafeguardingJustification');
    const bad = (m: string) => new HarbourError(ErrorCode.BAD_USER_INPUT, `declareSafeguardingJustification: ${m}`);
    const reason = input.reason.trim();
    if (reason.length < MIN_JUSTIFICATION_REASON) throw bad(`the reason must say why the child’s safety needs this, in at least ${MIN_JUSTIFICATION_REASON} characters`);
    if (reason.length > 4000) throw bad('the reason: at most 4000 characters');
    if (input.categories.length === 0) throw bad('name at least one category');
    const own = ctx.access.own;
    if (!input.recipients?.length && own === undefined) throw bad('name the recipients: your agency kind does not act as the agency code you signed in with');
    const recipients = [...new Set(input.recipients?.length ? input.recipients : [own!])];
    for (const r of recipients) requireAgencyCode(r, 'declareSafeguardingJustification: recipients');
    const hours = input.expiresInHours ?? DEFAULT_JUSTIFICATION_HOURS;
    if (!(Number.isInteger(hours) && hours >= 1 && hours <= ctx.justificationMaxHours)) throw bad(`expiresInHours must be between 1 and ${ctx.justificationMaxHours}`);
    const id = await survivorOf(ctx.db, input.personId);
    if (!id) throw new HarbourError(ErrorCode.NOT_FOUND, 'declareSafeguardingJustification: no such person');
    const [row] = await ctx.db.query<JustificationRow>(
      `with j as (
         insert into access.justification (person_id, declared_by, agency, statutory_basis, reason, categories, recipients, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(hours => $8)) returning *)
       select ${JUSTIFICATION_COLUMNS} from j`,
      [id, principal.sub, claimedAgency(principal), input.statutoryBasis, reason, [...new Set(input.categories)], recipients, hours],
    );
    ctx.log.warn({ justificationId: row!.id, personId: id, categories: row!.categories, recipients }, 'safeguarding justification declared (break-glass)');
    return justificationOf(row!);
  }

  @GuardedInResolver('DPO only: justifications of the DPO’s agency or about its children', 'Mutation')
  @Mutation(() => SafeguardingJustification, { description: 'The DPO’s finding on a justification (DPO only).' })
  async reviewJustification(
    @Arg('id', () => ID) id: string,
    @Arg('outcome', () => ReviewOutcome) outcome: ReviewOutcome,
    @Arg('note', () => String, { nullable: true }) note: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<SafeguardingJustification> {
    const own = requireDpo(ctx.principal, 'reviewJustification');
    if ((note ?? '').length > 4000) throw new HarbourError(ErrorCode.BAD_USER_INPUT, 'reviewJustification: the note: at most 4000 characters');
    const rows = isUuid(id)
      ? await ctx.db.query<JustificationRow>(
          `with j as (
             update access.justification j set review_status = 'REVIEWED', review_outcome = $3, reviewed_by = $4, reviewed_at = now(), review_note = $5
              where j.id = $2 and ${IN_DPO_SCOPE} returning j.*)
           select ${JUSTIFICATION_COLUMNS} from j`,
          [own, id, outcome, signature(ctx.principal), note?.trim() || null],
        )
      : [];
    if (!rows[0]) throw new HarbourError(ErrorCode.NOT_FOUND, 'reviewJustification: no such justification in your review queue');
    return justificationOf(rows[0]);
  }
}

