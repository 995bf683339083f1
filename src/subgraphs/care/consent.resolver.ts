/**
 * Consent recorded through GraphQL, by the agency looking after the child: it is filed with that
 * agency's record of the child (`care.consent`, beside consents from LA feeds) and is a basis for
 * release from the very next request; withdrawal likewise. Only the recording agency may withdraw
 * a consent; to anyone else it is "not found".
 */
import { DateTimeScalar } from '../scalars';
import { Arg, Ctx, Field, ID, InputType, Mutation, Resolver } from 'type-graphql';
import { DataCategory, GuardedInResolver, requirePractitioner } from '../../access';
import type { RequestContext } from '../../context';
import { ErrorCode, HarbourError } from '../../errors';
import { AgencyKindEnum } from '../enums';
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

@Resolver()
export class ConsentResolver {
  @GuardedInResolver('the caller’s own agency’s record of the child only', 'Mutation')
  @Mutation(() => Consent, { description: 'Record a consent, with the caller’s agency’s record of the child; it is a basis from the next request.' })
  async recordConsent(@Arg('input', () => ConsentInput) input: ConsentInput, @Ctx() ctx: RequestContext): Promise<Consent> {
    const { principal } = ctx;
    requirePractitioner(principal, 'recordConsent');
    const bad = (m: string) => new HarbourError(ErrorCode.BAD_USER_INPUT, `recordConsent: ${m}`);
    if (input.categories.length === 0) throw bad('name at least one category');
    if (input.recipients.length === 0) throw bad('name at least one kind of recipient agency');
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw bad('expiresAt must be in the future');
    if ((input.purpose ?? '').length > 500) throw bad('purpose: at most 500 characters');
    // The caller's agency must hold a record of the child: consent is recorded with it.
    const [own] = isUuid(input.personId) && ctx.access.own !== undefined
      ? await ctx.db.query<{ id: string; person_id: string }>(
          `select s.id, s.person_id from identity.source_identity s
            where s.agency = $2 and s.retracted_at is null
              and s.person_id = (select coalesce(p.replaced_by, p.id) from identity.person p where p.id = $1)
            order by s.last_seen desc limit 1`,
          [input.personId, ctx.access.own],
        )
      : [];
    if (!own) throw new HarbourError(ErrorCode.NOT_FOUND, 'recordConsent: your agency holds no record of that person');
    const [row] = await ctx.db.query<ConsentRow>(
      `insert into care.consent as t (source_identity_id, agency, local_key, given_by, categories, recipients, purpose, given_at, expires_at)
       values ($1, $2, 'harbour:' || gen_random_uuid(), $3, $4, $5, $6, now(), $7)
       returning $8::uuid as person_id, ${CONSENT_COLUMNS}`,
      [own.id, principal.agency, input.givenBy, [...new Set(input.categories)], [...new Set(input.recipients)], input.purpose ?? null, input.expiresAt ?? null, own.person_id],
    );
    ctx.log.info({ consentId: row!.id, personId: own.person_id }, 'consent recorded');
    return consentOf(row!);
  }

  @GuardedInResolver('a consent the caller’s agency recorded only', 'Mutation')
  @Mutation(() => Consent, { description: 'Withdraw a consent the caller’s agency recorded; it stops releasing anything from the next request.' })
  async withdrawConsent(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Consent> {
    requirePractitioner(ctx.principal, 'withdrawConsent');
    const rows = isUuid(id) && ctx.access.own !== undefined
      ? await ctx.db.query<ConsentRow>(
          `update care.consent t set withdrawn_at = coalesce(t.withdrawn_at, greatest(now(), t.given_at))
             from identity.source_identity s
            where t.id = $1 and t.agency = $2 and t.retracted_at is null and s.id = t.source_identity_id
            returning s.person_id, ${CONSENT_COLUMNS}`,
          [id, ctx.access.own],
        )
      : [];
    if (!rows[0]) throw new HarbourError(ErrorCode.NOT_FOUND, 'withdrawConsent: no such consent recorded by your agency');
    ctx.log.info({ consentId: id }, 'consent withdrawn');
    return consentOf(rows[0]);
  }
}
