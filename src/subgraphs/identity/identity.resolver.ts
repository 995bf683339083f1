import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, ID, Info, Query, Resolver } from 'type-graphql';
import { DataCategory, Public, GuardedInResolver } from '../../access';
import { clientPath, type RequestContext } from '../../context';
import { identityLoaders, isUuid } from './identity.loader';
import { Person } from './identity.types';

@Resolver(() => Person)
export class IdentityResolver {
  @Public('an id; every fact below it is guarded', 'Query')
  @Query(() => Person, { nullable: true, description: 'A person by id; a merged-away id resolves to its survivor.' })
  person(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Person | null> {
    return isUuid(id) ? identityLoaders(ctx).person.load(id) : Promise.resolve(null);
  }

  @GuardedInResolver('IDENTIFIERS of the agency named: null when withheld, as when absent', 'Query')
  @Query(() => Person, {
    nullable: true,
    description: 'The person holding an agency’s record with this local id. Null when there is none or the caller may not see that agency’s identifiers: the two look alike.',
  })
  async personBySourceRecord(
    @Arg('agency') agency: string,
    @Arg('localId') localId: string,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Person | null> {
    const rows = await ctx.db.query<{ person_id: string }>(
      `select person_id from identity.source_identity
        where agency = $1 and local_id = $2 and retracted_at is null
        order by last_seen desc limit 1`,
      [agency, localId],
    );
    const personId = rows[0]?.person_id;
    if (!personId) return null;
    const released = await ctx.access.check(personId, agency, DataCategory.IDENTIFIERS, clientPath(info.path, ctx), false);
    return released ? identityLoaders(ctx).person.load(personId) : null;
  }
}

/** `Person.__resolveReference`: type-graphql does not wrap it, so it checks existence itself. */
export const identityReferenceResolvers = {
  Person: {
    __resolveReference(reference: { id: string }, ctx: RequestContext): Promise<Person | null> {
      return isUuid(reference.id) ? identityLoaders(ctx).person.load(reference.id) : Promise.resolve(null);
    },
  },
};
