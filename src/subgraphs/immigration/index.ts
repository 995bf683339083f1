import DataLoader from 'dataloader';
import { DateScalar, DateTimeScalar } from '../scalars';
import { Ctx, Directive, Field, FieldResolver, ID, ObjectType, Resolver, Root, registerEnumType } from 'type-graphql';
import { DataCategory, Sensitive, type Owned, Public, Contained } from '../../access';
import type { RequestContext } from '../../context';
import type { Db } from '../../db';
import { personReference, type SubgraphModule } from '../federation';
import { listLoader, perRequestLoaders, PERSON_OF_SOURCE, visibleRecord } from '../shared';

export enum AsylumStatusCode {
  PENDING = 'PENDING', REFUGEE = 'REFUGEE', HUMANITARIAN_PROTECTION = 'HUMANITARIAN_PROTECTION',
  UASC_LEAVE = 'UASC_LEAVE', REFUSED = 'REFUSED', APPEAL = 'APPEAL',
}
export enum NrmOutcome { POSITIVE = 'POSITIVE', NEGATIVE = 'NEGATIVE', PENDING = 'PENDING' }
registerEnumType(AsylumStatusCode, { name: 'AsylumStatusCode' });
registerEnumType(NrmOutcome, { name: 'NrmOutcome', description: 'A reasonable or conclusive grounds decision.' });

@Contained()
@ObjectType({ description: 'Asylum / UASC status as the Home Office last reported it.' })
export class AsylumStatus {
  @Field() agency!: string;
  @Field(() => AsylumStatusCode) status!: AsylumStatusCode;
  @Field(() => DateScalar, { nullable: true }) claimedAt!: string | null;
  @Field(() => DateScalar, { nullable: true }) decidedAt!: string | null;
  @Field(() => DateScalar, { nullable: true }) leaveExpiresAt!: string | null;
}

@Contained()
@ObjectType({ description: 'A Home Office encounter: port arrival, in-country encounter, reporting event.' })
export class Encounter implements Owned {
  @Field(() => ID) id!: string;
  @Field() agency!: string;
  @Field(() => DateTimeScalar) at!: Date;
  @Field() kind!: string;
  @Field(() => Boolean, { nullable: true }) unaccompanied!: boolean | null;
  @Field(() => String, { nullable: true }) referredToLa!: string | null;
  @Field(() => Boolean, { nullable: true }) borderFlagSet!: boolean | null;
  personId!: string;
  ownerAgency!: string;
  locationValue!: string | null;

  @Field(() => String, { nullable: true })
  @Sensitive(DataCategory.LOCATION)
  location(): string | null {
    return this.locationValue;
  }
}

@Contained()
@ObjectType({ description: 'A National Referral Mechanism referral and its decisions.' })
export class NrmReferral {
  @Field(() => ID) id!: string;
  @Field() agency!: string;
  @Field(() => DateScalar) referredAt!: string;
  @Field(() => String, { nullable: true }) firstResponder!: string | null;
  @Field(() => String, { nullable: true }) competentAuthority!: string | null;
  @Field(() => [String]) exploitationTypes!: string[];
  @Field(() => NrmOutcome, { nullable: true }) reasonableGrounds!: NrmOutcome | null;
  @Field(() => DateScalar, { nullable: true }) reasonableGroundsAt!: string | null;
  @Field(() => NrmOutcome, { nullable: true }) conclusiveGrounds!: NrmOutcome | null;
  @Field(() => DateScalar, { nullable: true }) conclusiveGroundsAt!: string | null;
  personId!: string;
  ownerAgency!: string;
}

@ObjectType({ description: 'What the Home Office holds on a child.' })
export class ImmigrationRecord implements Owned {
  personId!: string;
  readonly ownerAgency = undefined;
  statusItems!: (AsylumStatus & { ownerAgency: string; personId: string })[];
  encounterItems!: Encounter[];
  nrmItems!: NrmReferral[];

  @Field(() => AsylumStatus, { nullable: true, description: 'The latest status.' })
  @Sensitive(DataCategory.IMMIGRATION)
  status(): AsylumStatus | null {
    return this.statusItems[0] ?? null;
  }

  @Field(() => [Encounter], { nullable: true })
  @Sensitive(DataCategory.IMMIGRATION)
  encounters(): Encounter[] {
    return this.encounterItems;
  }

  @Field(() => [NrmReferral], { nullable: true })
  @Sensitive(DataCategory.EXPLOITATION)
  nrm(): NrmReferral[] {
    return this.nrmItems;
  }
}

function createLoaders(db: Db) {
  const statuses = listLoader(
    db,
    `select si.person_id, t.agency, t.status, to_char(t.claimed_at, 'YYYY-MM-DD') as claimed_at,
            to_char(t.decided_at, 'YYYY-MM-DD') as decided_at, to_char(t.leave_expires_at, 'YYYY-MM-DD') as leave_expires_at
       from immigration.asylum_status t ${PERSON_OF_SOURCE}
      where t.retracted_at is null order by t.last_seen desc`,
    'person_id',
    (r: { person_id: string; agency: string; status: AsylumStatusCode; claimed_at: string | null; decided_at: string | null; leave_expires_at: string | null }) =>
      Object.assign(new AsylumStatus(), {
        agency: r.agency, status: r.status, claimedAt: r.claimed_at, decidedAt: r.decided_at, leaveExpiresAt: r.leave_expires_at,
        personId: r.person_id, ownerAgency: r.agency,
      }),
  );
  const encounters = listLoader(
    db,
    `select si.person_id, t.id, t.agency, t.at, t.kind, t.location, t.unaccompanied, t.referred_to_la, t.border_flag_set
       from immigration.encounter t ${PERSON_OF_SOURCE}
      where t.retracted_at is null order by t.at, t.id`,
    'person_id',
    (r: { person_id: string; id: string; agency: string; at: Date; kind: string; location: string | null; unaccompanied: boolean | null; referred_to_la: string | null; border_flag_set: boolean | null }) =>
      Object.assign(new Encounter(), {
        id: r.id, agency: r.agency, at: r.at, kind: r.kind, unaccompanied: r.unaccompanied, referredToLa: r.referred_to_la,
        borderFlagSet: r.border_flag_set, personId: r.person_id, ownerAgency: r.agency, locationValue: r.location,
      }),
  );
  const nrm = listLoader(
    db,
    `select si.person_id, t.id, t.agency, to_char(t.referred_at, 'YYYY-MM-DD') as referred_at, t.first_responder, t.competent_authority,
            t.exploitation_types, t.reasonable_grounds, to_char(t.reasonable_grounds_at, 'YYYY-MM-DD') as reasonable_grounds_at,
            t.conclusive_grounds, to_char(t.conclusive_grounds_at, 'YYYY-MM-DD') as conclusive_grounds_at
       from immigration.nrm_referral t ${PERSON_OF_SOURCE}
      where t.retracted_at is null order by t.referred_at, t.id`,
    'person_id',
    (r: { person_id: string; id: string; agency: string; referred_at: string; first_responder: string | null; competent_authority: string | null; exploitation_types: string[]; reasonable_grounds: NrmOutcome | null; reasonable_grounds_at: string | null; conclusive_grounds: NrmOutcome | null; conclusive_grounds_at: string | null }) =>
      Object.assign(new NrmReferral(), {
        id: r.id, agency: r.agency, referredAt: r.referred_at, firstResponder: r.first_responder, competentAuthority: r.competent_authority,
        exploitationTypes: r.exploitation_types, reasonableGrounds: r.reasonable_grounds, reasonableGroundsAt: r.reasonable_grounds_at,
        conclusiveGrounds: r.conclusive_grounds, conclusiveGroundsAt: r.conclusive_grounds_at, personId: r.person_id, ownerAgency: r.agency,
      }),
  );
  return {
    record: new DataLoader<string, ImmigrationRecord | null>(async (personIds) => {
      const [s, e, n] = await Promise.all([statuses.loadMany(personIds), encounters.loadMany(personIds), nrm.loadMany(personIds)]);
      return personIds.map((personId, i) => {
        const statusItems = s[i] as ImmigrationRecord['statusItems'];
        const encounterItems = e[i] as Encounter[];
        const nrmItems = n[i] as NrmReferral[];
        if (!statusItems.length && !encounterItems.length && !nrmItems.length) return null;
        return Object.assign(new ImmigrationRecord(), { personId, statusItems, encounterItems, nrmItems });
      });
    }),
  };
}

const immigrationLoaders = perRequestLoaders(createLoaders);

@Directive('@key(fields: "id")')
@ObjectType('Person')
export class ImmigrationPerson {
  @Field(() => ID) id!: string;
}

@Resolver(() => ImmigrationPerson)
export class ImmigrationResolver {
  @Public('the Home Office record; each of its fields is guarded', 'Person')
  @FieldResolver(() => ImmigrationRecord, { nullable: true, description: 'Home Office records: encounters, asylum status, NRM.' })
  async immigration(@Root() person: ImmigrationPerson, @Ctx() ctx: RequestContext): Promise<ImmigrationRecord | null> {
    const record = await immigrationLoaders(ctx).record.load(person.id);
    return visibleRecord(ctx, person.id, record, (r) => [[DataCategory.IMMIGRATION, [...r.statusItems, ...r.encounterItems]], [DataCategory.EXPLOITATION, r.nrmItems]]);
  }
}

export const immigration: SubgraphModule = {
  name: 'immigration',
  resolvers: [ImmigrationResolver],
  orphanedTypes: [ImmigrationPerson],
  referenceResolvers: personReference(ImmigrationPerson),
};
