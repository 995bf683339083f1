import { Ctx, Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar, DateTimeScalar } from '../scalars';
import { DataCategory, Sensitive, type Owned, Contained, Public } from '../../access';
import type { RequestContext } from '../../context';
import type { BiometricModality, BirthDateBasis, CheckStatus, ContactKind, DatePrecision, NameKind, SexCode } from './identity.entity';
import { identityLoaders } from './identity.loader';

export enum NameKindEnum { LEGAL = 'LEGAL', ASSERTED = 'ASSERTED', ALTERNATE = 'ALTERNATE', NICKNAME = 'NICKNAME', WEAK = 'WEAK' }
export enum DatePrecisionEnum { DAY = 'DAY', MONTH = 'MONTH', YEAR = 'YEAR' }
export enum BirthDateBasisEnum { CLAIMED = 'CLAIMED', DOCUMENTED = 'DOCUMENTED', ASSESSED = 'ASSESSED' }
export enum Sex { MALE = 'MALE', FEMALE = 'FEMALE', OTHER = 'OTHER', UNKNOWN = 'UNKNOWN' }
export enum CheckStatusEnum { VALID = 'VALID', INVALID = 'INVALID', NOT_CHECKABLE = 'NOT_CHECKABLE' }
export enum BiometricModalityEnum { FINGERPRINT = 'FINGERPRINT', PHOTO = 'PHOTO', DNA = 'DNA', IRIS = 'IRIS' }
export enum ContactKindEnum { PHONE = 'PHONE', SOCIAL_MEDIA = 'SOCIAL_MEDIA', EMAIL = 'EMAIL', TRAVEL_CARD = 'TRAVEL_CARD', DEVICE = 'DEVICE' }

registerEnumType(NameKindEnum, { name: 'NameKind', description: 'LEGAL (documented), ASSERTED (given by the person), ALTERNATE, NICKNAME, WEAK (a name that identifies poorly).' });
registerEnumType(DatePrecisionEnum, { name: 'DatePrecision', description: 'How much of a date is known: a placeholder 1 January counts as YEAR.' });
registerEnumType(BirthDateBasisEnum, { name: 'BirthDateBasis' });
registerEnumType(Sex, { name: 'Sex' });
registerEnumType(CheckStatusEnum, { name: 'CheckStatus', description: 'VALID: the check character verified; INVALID: kept, never used for an automatic link; NOT_CHECKABLE: an opaque scheme.' });
registerEnumType(BiometricModalityEnum, { name: 'BiometricModality' });
registerEnumType(ContactKindEnum, { name: 'ContactKind' });

@Contained()
@ObjectType({ description: 'A name as one agency recorded it.' })
export class PersonName {
  @Field(() => NameKindEnum) kind!: NameKind;
  @Field(() => String, { nullable: true }) given!: string | null;
  @Field(() => String, { nullable: true }) family!: string | null;
  @Field(() => String, { nullable: true }) full!: string | null;
  @Field(() => String, { nullable: true, description: 'The name in its original script, when recorded.' }) script!: string | null;
}

@Contained()
@ObjectType({ description: 'A date of birth with what is really known of it.' })
export class BirthDate {
  @Field(() => DateScalar) value!: string;
  @Field(() => DatePrecisionEnum) precision!: DatePrecision;
  @Field(() => BirthDateBasisEnum) basis!: BirthDateBasis;
}

@Contained()
@ObjectType()
export class Identifier {
  @Field() scheme!: string;
  @Field({ description: 'Canonical form (see feeds.md, "Identifiers").' }) value!: string;
  @Field({ description: 'True only when the check character verified.' }) verified!: boolean;
  @Field(() => CheckStatusEnum) checkStatus!: CheckStatus;
}

@Contained()
@ObjectType({ description: 'A reference into a biometric repository (IDENT1, IABS): never an image.' })
export class BiometricReference {
  @Field(() => BiometricModalityEnum) modality!: BiometricModality;
  @Field() repository!: string;
  @Field() reference!: string;
}

@Contained()
@ObjectType()
export class ContactPoint {
  @Field(() => ContactKindEnum) kind!: ContactKind;
  @Field(() => String, { nullable: true }) platform!: string | null;
  @Field({ description: 'Canonical form: E.164 for phones, platform:handle for social media.' }) value!: string;
}

@ObjectType({ description: 'One agency’s record of a person: what that agency knows, with provenance.' })
export class SourceIdentity implements Owned {
  @Public('an opaque id') @Field(() => ID) id!: string;
  @Public('which agency holds the record: its provenance') @Field() agency!: string;
  @Public('which feed it came from') @Field() feed!: string;
  @Public('provenance') @Field(() => DateTimeScalar) firstSeen!: Date;
  @Public('provenance') @Field(() => DateTimeScalar) lastSeen!: Date;
  @Public('provenance') @Field({ description: 'True when a full snapshot from its agency no longer contains it.' }) retracted!: boolean;
  personId!: string;
  ownerAgency!: string;
  private localIdValue!: string;
  private sexValue!: SexCode | null;
  private nationalityValue!: string | null;

  static fromRow(row: SourceIdentityRow): SourceIdentity {
    const s = new SourceIdentity();
    s.id = row.id;
    s.personId = row.person_id;
    s.agency = row.agency;
    s.ownerAgency = row.agency;
    s.feed = row.feed;
    s.firstSeen = row.first_seen;
    s.lastSeen = row.last_seen;
    s.retracted = row.retracted_at !== null;
    s.localIdValue = row.local_id;
    s.sexValue = row.sex;
    s.nationalityValue = row.nationality;
    return s;
  }

  @Field(() => String, { nullable: true, description: 'The id the agency’s own system gives this record.' })
  @Sensitive(DataCategory.IDENTIFIERS)
  localId(): string {
    return this.localIdValue;
  }

  @Field(() => Sex, { nullable: true })
  @Sensitive(DataCategory.IDENTITY)
  sex(): SexCode | null {
    return this.sexValue;
  }

  @Field(() => String, { nullable: true, description: 'ISO 3166 alpha-3.' })
  @Sensitive(DataCategory.IDENTITY)
  nationality(): string | null {
    return this.nationalityValue;
  }

  @Field(() => [PersonName], { nullable: true })
  @Sensitive(DataCategory.IDENTITY)
  names(@Ctx() ctx: RequestContext): Promise<PersonName[]> {
    return identityLoaders(ctx).names.load(this.id);
  }

  @Field(() => [BirthDate], { nullable: true })
  @Sensitive(DataCategory.IDENTITY)
  birthDates(@Ctx() ctx: RequestContext): Promise<BirthDate[]> {
    return identityLoaders(ctx).birthDates.load(this.id);
  }

  @Field(() => [Identifier], { nullable: true })
  @Sensitive(DataCategory.IDENTIFIERS)
  identifiers(@Ctx() ctx: RequestContext): Promise<Identifier[]> {
    return identityLoaders(ctx).identifiers.load(this.id);
  }

  @Field(() => [BiometricReference], { nullable: true })
  @Sensitive(DataCategory.BIOMETRIC_REFS)
  biometrics(@Ctx() ctx: RequestContext): Promise<BiometricReference[]> {
    return identityLoaders(ctx).biometrics.load(this.id);
  }

  @Field(() => [ContactPoint], { nullable: true })
  @Sensitive(DataCategory.CONTACT)
  contacts(@Ctx() ctx: RequestContext): Promise<ContactPoint[]> {
    return identityLoaders(ctx).contacts.load(this.id);
  }
}

export interface SourceIdentityRow {
  id: string;
  person_id: string;
  agency: string;
  feed: string;
  local_id: string;
  sex: SexCode | null;
  nationality: string | null;
  first_seen: Date;
  last_seen: Date;
  retracted_at: Date | null;
}

/** The timestamp columns of a source identity row, made Dates again when it is read as JSON. */
export const IDENTITY_DATES = ['first_seen', 'last_seen', 'retracted_at'] as const;

/** The SQL of a `SourceIdentityRow` as JSON, for the source identity aliased `s`. */
export const identityJson = (s: string) => `json_build_object('id', ${s}.id, 'person_id', ${s}.person_id, 'agency', ${s}.agency, 'feed', ${s}.feed, 'local_id', ${s}.local_id,
  'sex', ${s}.sex, 'nationality', ${s}.nationality, 'first_seen', ${s}.first_seen, 'last_seen', ${s}.last_seen, 'retracted_at', ${s}.retracted_at)`;

@Directive('@key(fields: "id")')
@ObjectType({ description: 'One child: a stable id for a cluster of source identities.' })
export class Person {
  @Public('an opaque id') @Field(() => ID) id!: string;
  @Public('an opaque id') @Field(() => ID, { nullable: true, description: 'Set when this person was merged into another (FHIR replaced-by).' }) replacedBy!: string | null;

  @Public('the list of records; every fact of each is guarded') @Field(() => [SourceIdentity], { description: 'Current (not retracted) source identities, oldest first.' })
  identities(@Ctx() ctx: RequestContext): Promise<SourceIdentity[]> {
    return identityLoaders(ctx).identities.load(this.id);
  }
}
