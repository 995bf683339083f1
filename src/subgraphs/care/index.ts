import { Ctx, Directive, Field, FieldResolver, ID, ObjectType, Resolver, Root } from 'type-graphql';
import { DataCategory, Public } from '../../access';
import type { RequestContext } from '../../context';
import { personReference, type SubgraphModule } from '../federation';
import { visibleRecord } from '../shared';
import { careLoaders } from './care.loader';
import { CareRecord } from './care.types';
import { ConsentResolver } from './consent.resolver';

export { CareRecord, Consent, ConsentGiver, Placement, MissingEpisode, MissingKind, RiskLevel } from './care.types';

@Directive('@key(fields: "id")')
@ObjectType('Person')
export class CarePerson {
  @Field(() => ID) id!: string;
}

@Resolver(() => CarePerson)
export class CareResolver {
  @Public('the LA record; each of its fields is guarded', 'Person')
  @FieldResolver(() => CareRecord, { nullable: true, description: 'Local authority records: placements, missing episodes.' })
  async care(@Root() person: CarePerson, @Ctx() ctx: RequestContext): Promise<CareRecord | null> {
    const record = await careLoaders(ctx).record.load(person.id);
    return visibleRecord(ctx, person.id, record, (r) => [[DataCategory.CARE_PLAN, [...r.placementItems, ...r.consentItems]], [DataCategory.MISSING, r.missingItems]]);
  }
}

export const care: SubgraphModule = {
  name: 'care',
  resolvers: [CareResolver, ConsentResolver],
  orphanedTypes: [CarePerson],
  referenceResolvers: personReference(CarePerson),
};
