import { Ctx, Field, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import { AGENCY_KINDS, ROLES, PublicType, Public } from '../../access';
import type { RequestContext } from '../../context';
import type { SubgraphModule } from '../federation';

const AgencyKind = Object.fromEntries(AGENCY_KINDS.map((k) => [k, k]));
const Role = Object.fromEntries(ROLES.map((r) => [r, r]));
registerEnumType(AgencyKind, { name: 'AgencyKind' });
registerEnumType(Role, { name: 'Role' });

@PublicType('the caller’s own token claims')
@ObjectType({ description: 'The caller, as its token says.' })
export class Principal {
  @Field() sub!: string;
  @Field({ description: 'Agency code: LA-213, POLICE-MPS, HO, NCA, NHS-…' }) agency!: string;
  @Field(() => AgencyKind) agencyKind!: string;
  @Field(() => [Role]) roles!: string[];
}

@Resolver()
export class AccessResolver {
  @Public('the caller’s own token claims', 'Query')
  @Query(() => Principal, { description: 'Who the hub takes the caller to be.' })
  me(@Ctx() ctx: RequestContext): Principal {
    const { sub, agency, agencyKind, roles } = ctx.principal;
    return Object.assign(new Principal(), { sub, agency, agencyKind, roles: [...roles] });
  }
}

export const access: SubgraphModule = { name: 'access', resolvers: [AccessResolver] };
