import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar, DateTimeScalar } from '../scalars';
import { DataCategory, Sensitive, type Owned, Contained, Public } from '../../access';
import { AgencyKindEnum, ReviewOutcome, ReviewStatus } from '../enums';

export enum MissingKind { MISSING = 'MISSING', AWAY = 'AWAY' }
export enum RiskLevel { NO_APPARENT_RISK = 'NO_APPARENT_RISK', LOW = 'LOW', MEDIUM = 'MEDIUM', HIGH = 'HIGH' }
registerEnumType(MissingKind, { name: 'MissingKind', description: 'MISSING, or AWAY from placement without authorisation (SSDA903).' });
registerEnumType(RiskLevel, { name: 'RiskLevel', description: 'College of Policing APP risk grading.' });

export enum ConsentGiver { CHILD = 'CHILD', PARENTAL_RESPONSIBILITY = 'PARENTAL_RESPONSIBILITY' }
registerEnumType(ConsentGiver, { name: 'ConsentGiver', description: 'Who gave consent: the child, or a person with parental responsibility.' });

@Contained()
@ObjectType({ description: 'A child’s consent to share categories of information with kinds of agency; a basis for release until it expires or is withdrawn.' })
export class Consent implements Owned {
  @Field(() => ID) id!: string;
  @Field({ description: 'The LA that recorded it.' }) agency!: string;
  @Field(() => ConsentGiver) givenBy!: ConsentGiver;
  @Field(() => [DataCategory]) categories!: DataCategory[];
  @Field(() => [AgencyKindEnum], { description: 'The kinds of agency it allows to see them.' }) recipients!: string[];
  @Field(() => String, { nullable: true }) purpose!: string | null;
  @Field(() => DateTimeScalar) givenAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true }) expiresAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) withdrawnAt!: Date | null;
  @Field({ description: 'In force now: not withdrawn, not expired.' }) active!: boolean;
  @Field({ description: 'Who recorded it: `feed` for a row of the LA’s feed, else the practitioner as `sub (agency)`.' }) recordedBy!: string;
  @Field(() => String, { nullable: true }) withdrawalReason!: string | null;
  @Field(() => ReviewStatus, { nullable: true, description: 'A consent that releases LOCATION waits for the DPO’s review (it is a basis meanwhile); null for any other.' }) reviewStatus!: ReviewStatus | null;
  @Field(() => ReviewOutcome, { nullable: true, description: 'NOT_JUSTIFIED withdraws the consent.' }) reviewOutcome!: ReviewOutcome | null;
  @Field(() => String, { nullable: true }) reviewedBy!: string | null;
  @Field(() => String, { nullable: true }) reviewNote!: string | null;
  personId!: string;
  ownerAgency!: string;
}

@Contained()
@ObjectType({ description: 'A looked-after placement. Its address is sealed (DfE ¶37).' })
export class Placement implements Owned {
  @Field(() => ID) id!: string;
  @Field() agency!: string;
  personId!: string;
  ownerAgency!: string;
  placementTypeValue!: string | null;
  startedOnValue!: string;
  endedOnValue!: string | null;
  postcodeValue!: string | null;

  @Field(() => String, { nullable: true, description: 'SSDA903 PLACE code.' })
  @Sensitive(DataCategory.CARE_PLAN)
  placementType(): string | null {
    return this.placementTypeValue;
  }

  @Field(() => DateScalar, { nullable: true })
  @Sensitive(DataCategory.CARE_PLAN)
  startedOn(): string {
    return this.startedOnValue;
  }

  @Field(() => DateScalar, { nullable: true })
  @Sensitive(DataCategory.CARE_PLAN)
  endedOn(): string | null {
    return this.endedOnValue;
  }

  @Field(() => String, { nullable: true, description: 'Placement postcode: LOCATION, sealed.' })
  @Sensitive(DataCategory.LOCATION)
  postcode(): string | null {
    return this.postcodeValue;
  }
}

@Contained()
@ObjectType({ description: 'A missing (or away without authorisation) episode recorded by an LA.' })
export class MissingEpisode implements Owned {
  @Field(() => ID) id!: string;
  @Field() agency!: string;
  @Field(() => MissingKind) kind!: MissingKind;
  @Field(() => DateTimeScalar) startedAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true }) endedAt!: Date | null;
  @Field({ description: 'True while the child has not been found.' }) open!: boolean;
  @Field(() => RiskLevel, { nullable: true }) riskLevel!: RiskLevel | null;
  personId!: string;
  ownerAgency!: string;
  lastSeenLocationValue!: string | null;
  foundLocationValue!: string | null;

  @Field(() => String, { nullable: true })
  @Sensitive(DataCategory.LOCATION)
  lastSeenLocation(): string | null {
    return this.lastSeenLocationValue;
  }

  @Field(() => String, { nullable: true })
  @Sensitive(DataCategory.LOCATION)
  foundLocation(): string | null {
    return this.foundLocationValue;
  }
}

@ObjectType({ description: 'What local authorities hold on a child, across every LA that supplied records.' })
export class CareRecord implements Owned {
  @Public('the LA responsible for the child (its corporate parent), not where the child lives')
  @Field({ description: 'The LA with the most recent record (the responsible LA, as far as harbour knows).' }) agency!: string;
  personId!: string;
  readonly ownerAgency = undefined;
  placementItems!: Placement[];
  missingItems!: MissingEpisode[];
  consentItems!: Consent[];

  @Field(() => [Placement], { nullable: true })
  @Sensitive(DataCategory.CARE_PLAN)
  placements(): Placement[] {
    return this.placementItems;
  }

  @Field(() => [MissingEpisode], { nullable: true })
  @Sensitive(DataCategory.MISSING)
  missingEpisodes(): MissingEpisode[] {
    return this.missingItems;
  }

  @Field(() => [Consent], { nullable: true, description: 'Consents to share, from LA feeds or recorded here.' })
  @Sensitive(DataCategory.CARE_PLAN)
  consents(): Consent[] {
    return this.consentItems;
  }
}
