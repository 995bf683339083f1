import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { Arg, Ctx, ID, Info, Query, Resolver } from 'type-graphql';
import { DataCategory, Public, GuardedInResolver } from '../../access';
import { clientPath, type RequestContext } from '../../context';
import { CHILD_FIELDS, identityLoaders, isUuid, type ChildField } from './identity.loader';
import { Person } from './identity.types';

/** Which facts kept in tables of their own the query selects under the person's `identities`. */
function identityChildrenSelected(info: GraphQLResolveInfo): ChildField[] {
  const selected = new Set<string>();
  const visit = (selectionSet: SelectionSetNode | undefined, underIdentities: boolean): void => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        if (underIdentities) selected.add(selection.name.value);
        else if (selection.name.value === 'identities') visit(selection.selectionSet, true);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet, underIdentities);
      else visit(info.fragments[selection.name.value]?.selectionSet, underIdentities);
    }
  };
  for (const node of info.fieldNodes) visit(node.selectionSet, false);
  return CHILD_FIELDS.filter((field) => selected.has(field));
}

/** The person with this id, reading beside it the facts the query selects under its identities. */
function loadPerson(ctx: RequestContext, info: GraphQLResolveInfo, id: string): Promise<Person | null> {
  if (!isUuid(id)) return Promise.resolve(null);
  const loaders = identityLoaders(ctx);
  loaders.prefetch(identityChildrenSelected(info));
  return loaders.person.load(id);
}

@Resolver(() => Person)
export class IdentityResolver {
  @Public('an id; every fact below it is guarded', 'Query')
  @Query(() => Person, { nullable: true, description: 'A person by id; a merged-away id resolves to its survivor.' })
  person(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<Person | null> {
    return loadPerson(ctx, info, id);
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
    return released ? loadPerson(ctx, info, personId) : null;
  }
}

/** `Person.__resolveReference`: type-graphql does not wrap it, so it checks existence itself. */
export const identityReferenceResolvers = {
  Person: {
    __resolveReference(reference: { id: string }, ctx: RequestContext, info: GraphQLResolveInfo): Promise<Person | null> {
      return loadPerson(ctx, info, reference.id);
    },
  },
};
