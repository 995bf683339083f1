import { Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import { claimedAgency, Public, PublicType } from '../../access';
import type { RequestContext } from '../../context';
import { AgencyKindEnum, RoleEnum } from '../enums';
import type { SubgraphModule } from '../federation';
import { AccessGovernanceResolver } from './access.resolver';

@PublicType('the caller’s own token claims')
@ObjectType({ description: 'The caller, as its token says.' })
export class Principal {
  @Field() sub!: string;
  @Field({ description: 'Agency code: LA-213, POLICE-MPS, HO, NCA, NHS-…' }) agency!: string;
  @Field(() => AgencyKindEnum) agencyKind!: string;
  @Field(() => [RoleEnum]) roles!: string[];
}

@Resolver()
export class AccessResolver {
  @Public('the caller’s own token claims', 'Query')
  @Query(() => Principal, { description: 'Who the hub takes the caller to be.' })
  me(@Ctx() ctx: RequestContext): Principal {
    const { sub, agencyKind, roles } = ctx.principal;
    return Object.assign(new Principal(), { sub, agency: claimedAgency(ctx.principal), agencyKind, roles: [...roles] });
  }
}

export const access: SubgraphModule = { name: 'access', resolvers: [AccessResolver, AccessGovernanceResolver] };
