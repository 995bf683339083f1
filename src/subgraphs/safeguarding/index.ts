import { GraphQLDate, GraphQLDateTime } from 'graphql-scalars';
import { Ctx, Directive, Field, FieldResolver, ID, ObjectType, Resolver, Root } from 'type-graphql';
import { DataCategory, Sensitive, type Owned, Public, Contained } from '../../access';
import type { RequestContext } from '../../context';
import type { Db } from '../../db';
import { personReference, type SubgraphModule } from '../federation';
import { listLoader, perRequestLoaders } from '../shared';

@Contained()
@ObjectType({ description: 'A multi-agency strategy discussion about a child (DfE ¶36).' })
export class StrategyDiscussion implements Owned {
  @Field(() => ID) id!: string;
  @Field({ description: 'The agency that convened it.' }) convenedBy!: string;
  @Field(() => GraphQLDate) heldOn!: string;
  @Field(() => [String], { description: 'Participating agency codes.' }) agencies!: string[];
  @Field(() => GraphQLDateTime) createdAt!: Date;
  personId!: string;
  ownerAgency!: string;
}

@ObjectType({ description: 'The safeguarding picture of a child across agencies.' })
export class SafeguardingView implements Owned {
  personId!: string;
  readonly ownerAgency = undefined;

  @Field(() => [StrategyDiscussion], { nullable: true })
  @Sensitive(DataCategory.CARE_PLAN)
  discussions(@Ctx() ctx: RequestContext): Promise<StrategyDiscussion[]> {
    return safeguardingLoaders(ctx).discussions.load(this.personId);
  }
}

function createLoaders(db: Db) {
  return {
    discussions: listLoader(
      db,
      `select person_id, id, convened_by, to_char(held_on, 'YYYY-MM-DD') as held_on, agencies, created_at
         from safeguarding.strategy_discussion where person_id = any($1::uuid[]) order by held_on, id`,
      'person_id',
      (r: { person_id: string; id: string; convened_by: string; held_on: string; agencies: string[]; created_at: Date }) =>
        Object.assign(new StrategyDiscussion(), {
          id: r.id, convenedBy: r.convened_by, heldOn: r.held_on, agencies: r.agencies, createdAt: r.created_at,
          personId: r.person_id, ownerAgency: r.convened_by,
        }),
    ),
  };
}

const safeguardingLoaders = perRequestLoaders(createLoaders);

@Directive('@key(fields: "id")')
@ObjectType('Person')
export class SafeguardingPerson {
  @Field(() => ID) id!: string;
}

@Resolver(() => SafeguardingPerson)
export class SafeguardingResolver {
  @Public('the safeguarding view; each of its fields is guarded', 'Person')
  @FieldResolver(() => SafeguardingView, { nullable: true, description: 'Strategy discussions, and (to come) plan readiness, risk signals, chronology.' })
  safeguarding(@Root() person: SafeguardingPerson): SafeguardingView {
    return Object.assign(new SafeguardingView(), { personId: person.id });
  }
}

export const safeguarding: SubgraphModule = {
  name: 'safeguarding',
  resolvers: [SafeguardingResolver],
  orphanedTypes: [SafeguardingPerson],
  referenceResolvers: personReference(SafeguardingPerson),
};
