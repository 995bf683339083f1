/**
 * Consent recorded through GraphQL, by the child's children's services (the corporate parent) and
 * never by an agency it releases to: it is filed with that LA's record of the child (`care.consent`,
 * beside consents from LA feeds), names who recorded it, and is a basis for release from the very
 * next request; withdrawal likewise. Recording and withdrawing are audited (RECORDED, one event a
 * category, with the consent's id). A consent that releases LOCATION goes to the LA's DPO for
 * review; one found not justified is withdrawn. Only the recording LA may withdraw a consent; to
 * anyone else it is "not found".
 */
import type { GraphQLResolveInfo } from 'graphql';
import { DateTimeScalar } from '../scalars';
import { Arg, Ctx, Field, ID, Info, InputType, Mutation, Query, Resolver } from 'type-graphql';
import { DataCategory, GuardedInResolver, requireDpo, requireOwnAgency, requirePractitioner, signature } from '../../access';
import { clientPath, type RequestContext } from '../../context';
import { ErrorCode, HarbourError } from '../../errors';
import { AgencyKindEnum, ReviewOutcome, ReviewStatus } from '../enums';
import { CONSENT_COLUMNS, consentOf, type ConsentRow } from './care.loader';
import { Consent, ConsentGiver } from './care.types';
import { isUuid } from '../../ids';

@InputType({ description: 'A consent the child (or a person with parental responsibility) has given.' })
export class ConsentInput {
  @Field(() => ID) personId!: string;
  @Field(() => ConsentGiver) givenBy!: ConsentGiver;
  @Field(() => [DataCategory]) categories!: DataCategory[];
  @Field(() => [AgencyKindEnum], { description: 'The kinds of agency that may see them.' }) recipients!: string[];
  @Field(() => String, { nullable: true }) purpose?: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) expiresAt?: Date | null;
}

/** The consent's person and columns, for its audit events and its answer. */
const RETURNING = `returning s.person_id, ${CONSENT_COLUMNS}`;

/** Audit a consent recorded or withdrawn: one RECORDED event a category, naming the consent. */
function audit(ctx: RequestContext, info: GraphQLResolveInfo, row: ConsentRow): void {
  for (const category of row.categories) ctx.access.recordChange(row.person_id, category as DataCategory, clientPath(info.path, ctx), { kind: 'CONSENT', id: row.id });
}

@Resolver()
export class ConsentResolver {
  @GuardedInResolver('the caller’s own LA’s record of the child only', 'Mutation')
  @Mutation(() => Consent, { description: 'Record a consent, with the caller’s LA’s record of the child (children’s services only); it is a basis from the next request.' })
  async recordConsent(@Arg('input', () => ConsentInput) input: ConsentInput, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<Consent> {
    const { principal } = ctx;
    requirePractitioner(principal, 'recordConsent');
    const own = requireOwnAgency(principal, 'recordConsent');
    if (principal.agencyKind !== 'CHILDRENS_SERVICES') {
      throw new HarbourError(ErrorCode.FORBIDDEN, 'recordConsent: consent is recorded by the child’s children’s services, never by an agency it releases to');
    }
    const bad = (m: string) => new HarbourError(ErrorCode.BAD_USER_INPUT, `recordConsent: ${m}`);
    if (input.categories.length === 0) throw bad('name at least one category');
    if (input.recipients.length === 0) throw bad('name at least one kind of recipient agency');
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw bad('expiresAt must be in the future');
    if ((input.purpose ?? '').length > 500) throw bad('purpose: at most 500 characters');
    // The LA must hold a record of the child: consent is recorded with it.
    const [row] = isUuid(input.personId)
      ? await ctx.db.query<ConsentRow>(
          `with s as (select s.id, s.person_id from identity.source_identity s
                       where s.agency = $2 and s.retracted_at is null
                         and s.person_id = (select coalesce(p.replaced_by, p.id) from identity.person p where p.id = $1)
                       order by s.last_seen desc limit 1),
                t as (insert into care.consent (source_identity_id, agency, local_key, given_by, categories, recipients, purpose, given_at, expires_at, recorded_by)
                      select s.id, $2, 'harbour:' || gen_random_uuid(), $3, $4, $5, $6, now(), $7, $8 from s returning *)
           select s.person_id, ${CONSENT_COLUMNS} from t join s on s.id = t.source_identity_id`,
          [input.personId, own, input.givenBy, [...new Set(input.categories)], [...new Set(input.recipients)], input.purpose ?? null, input.expiresAt ?? null, signature(principal)],
        )
      : [];
    if (!row) throw new HarbourError(ErrorCode.NOT_FOUND, 'recordConsent: your agency holds no record of that person');
    audit(ctx, info, row);
    ctx.log.info({ consentId: row.id, personId: row.person_id }, 'consent recorded');
    return consentOf(row);
  }

  @GuardedInResolver('a consent the caller’s agency recorded only', 'Mutation')
  @Mutation(() => Consent, { description: 'Withdraw a consent the caller’s agency recorded; it stops releasing anything from the next request.' })
  async withdrawConsent(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String, { nullable: true, description: 'Why, in the words of the child or the practitioner; kept with the consent.' }) reason: string | null,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Consent> {
    requirePractitioner(ctx.principal, 'withdrawConsent');
    if ((reason ?? '').length > 2000) throw new HarbourError(ErrorCode.BAD_USER_INPUT, 'withdrawConsent: the reason: at most 2000 characters');
    const rows = isUuid(id) && ctx.access.own !== undefined
      ? await ctx.db.query<ConsentRow>(
          `update care.consent t set withdrawn_at = coalesce(t.withdrawn_at, greatest(now(), t.given_at)), withdrawal_reason = coalesce(t.withdrawal_reason, $3)
             from identity.source_identity s
            where t.id = $1 and t.agency = $2 and t.retracted_at is null and s.id = t.source_identity_id
            ${RETURNING}`,
          [id, ctx.access.own, reason?.trim() || null],
        )
      : [];
    if (!rows[0]) throw new HarbourError(ErrorCode.NOT_FOUND, 'withdrawConsent: no such consent recorded by your agency');
    audit(ctx, info, rows[0]);
    ctx.log.info({ consentId: id }, 'consent withdrawn');
    return consentOf(rows[0]);
  }

  @GuardedInResolver('DPO only: consents the DPO’s own LA holds', 'Query')
  @Query(() => [Consent], { description: 'Consents that release LOCATION, for the DPO’s review, oldest first (DPO only).' })
  async consentReviews(@Arg('status', () => ReviewStatus, { nullable: true }) status: ReviewStatus | null, @Ctx() ctx: RequestContext): Promise<Consent[]> {
    const own = requireDpo(ctx.principal, 'consentReviews');
    const rows = await ctx.db.query<ConsentRow>(
      `select s.person_id, ${CONSENT_COLUMNS} from care.consent t join identity.source_identity s on s.id = t.source_identity_id
        where t.agency = $1 and t.retracted_at is null and t.review_status is not null and ($2::text is null or t.review_status = $2)
        order by t.given_at, t.id limit 1000`,
      [own, status],
    );
    return rows.map(consentOf);
  }

  @GuardedInResolver('DPO only: consents the DPO’s own LA holds', 'Mutation')
  @Mutation(() => Consent, { description: 'The DPO’s finding on a consent that releases LOCATION; NOT_JUSTIFIED withdraws it (DPO only).' })
  async reviewConsent(
    @Arg('id', () => ID) id: string,
    @Arg('outcome', () => ReviewOutcome) outcome: ReviewOutcome,
    @Arg('note', () => String, { nullable: true }) note: string | null,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Consent> {
    const own = requireDpo(ctx.principal, 'reviewConsent');
    if ((note ?? '').length > 4000) throw new HarbourError(ErrorCode.BAD_USER_INPUT, 'reviewConsent: the note: at most 4000 characters');
    const rows = isUuid(id)
      ? await ctx.db.query<ConsentRow>(
          `update care.consent t set review_status = 'REVIEWED', review_outcome = $3, reviewed_by = $4, reviewed_at = now(), review_note = $5
             from identity.source_identity s
            where t.id = $1 and t.agency = $2 and t.review_status is not null and t.retracted_at is null and s.id = t.source_identity_id
            ${RETURNING}`,
          [id, own, outcome, signature(ctx.principal), note?.trim() || null],
        )
      : [];
    if (!rows[0]) throw new HarbourError(ErrorCode.NOT_FOUND, 'reviewConsent: no such consent in your review queue');
    if (outcome === ReviewOutcome.NOT_JUSTIFIED) audit(ctx, info, rows[0]);
    return consentOf(rows[0]);
  }
}
