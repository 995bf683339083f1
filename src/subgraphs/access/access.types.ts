import { DateTimeScalar } from '../scalars';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Contained, DataCategory, PublicType, ReleaseBasis } from '../../access';
import { PageInfo } from '../connection';
import { AgencyKindEnum, ReviewOutcome, ReviewStatus, RoleEnum } from '../enums';

export { ReviewOutcome, ReviewStatus };

export enum StatutoryBasis {
  CHILDREN_ACT_1989_S47 = 'CHILDREN_ACT_1989_S47',
  CHILDREN_ACT_1989_S17 = 'CHILDREN_ACT_1989_S17',
  DPA_2018_SCH8_PARA4 = 'DPA_2018_SCH8_PARA4',
  CRIME_AND_DISORDER_ACT_1998_S115 = 'CRIME_AND_DISORDER_ACT_1998_S115',
  MODERN_SLAVERY_ACT_2015_S52 = 'MODERN_SLAVERY_ACT_2015_S52',
}
export enum AgreementRuleEnum { ALWAYS = 'ALWAYS', WITH_BASIS = 'WITH_BASIS', NEVER = 'NEVER' }
export enum AccessBasis { OWN_AGENCY = 'OWN_AGENCY', AGREEMENT = 'AGREEMENT', CONSENT = 'CONSENT', JUSTIFICATION = 'JUSTIFICATION', MISSING_CHILD_RULE = 'MISSING_CHILD_RULE', CROSS_AGENCY_DECISION = 'CROSS_AGENCY_DECISION' }
export enum AuditOutcome { RELEASED = 'RELEASED', WITHHELD = 'WITHHELD', RECORDED = 'RECORDED' }
registerEnumType(StatutoryBasis, { name: 'StatutoryBasis', description: 'The law a safeguarding justification relies on.' });
registerEnumType(AgreementRuleEnum, { name: 'AgreementRule' });
registerEnumType(AccessBasis, {
  name: 'AccessBasis',
  description: 'Why a category was released (or, on a RECORDED event, the basis a change made or ended).',
  valuesConfig: { CROSS_AGENCY_DECISION: { description: 'On a RECORDED event: a match decision on records of agencies of two kinds, on record with the other agency (basisId: its code).' } },
});
registerEnumType(AuditOutcome, { name: 'AuditOutcome' });

@Contained()
@ObjectType({ description: 'A recorded professional judgement that a child’s safety needs information shared without consent (break-glass).' })
export class SafeguardingJustification {
  @Field(() => ID) id!: string;
  @Field(() => ID) personId!: string;
  @Field({ description: 'The user who declared it.' }) declaredBy!: string;
  @Field() agency!: string;
  @Field(() => StatutoryBasis) statutoryBasis!: StatutoryBasis;
  @Field() reason!: string;
  @Field(() => [DataCategory]) categories!: DataCategory[];
  @Field(() => [String], { description: 'The agencies it releases to.' }) recipients!: string[];
  @Field(() => DateTimeScalar) declaredAt!: Date;
  @Field(() => DateTimeScalar) expiresAt!: Date;
  @Field() active!: boolean;
  @Field(() => Int, { description: 'Fields released on this basis so far (each use is in the audit).' }) uses!: number;
  @Field(() => ReviewStatus) reviewStatus!: ReviewStatus;
  @Field(() => ReviewOutcome, { nullable: true }) reviewOutcome!: ReviewOutcome | null;
  @Field(() => String, { nullable: true }) reviewedBy!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) reviewedAt!: Date | null;
  @Field(() => String, { nullable: true }) reviewNote!: string | null;
}

@InputType()
export class JustificationInput {
  @Field(() => ID) personId!: string;
  @Field(() => [DataCategory]) categories!: DataCategory[];
  @Field(() => [String], { nullable: true, description: 'Agency codes it releases to; default the caller’s own.' }) recipients?: string[] | null;
  @Field(() => StatutoryBasis) statutoryBasis!: StatutoryBasis;
  @Field({ description: 'Why the child’s safety needs it: in words a reviewer can judge.' }) reason!: string;
  @Field(() => Int, { nullable: true, description: 'Default 72; at most the configured maximum.' }) expiresInHours?: number | null;
}

@PublicType('about the caller’s own access, never a value')
@ObjectType({ description: 'Would the caller see a category of a person’s information recorded by other agencies, and why.' })
export class AccessExplanation {
  @Field(() => ID) personId!: string;
  @Field(() => DataCategory) category!: DataCategory;
  @Field({ description: 'True when other agencies’ facts of this category are released to the caller now.' }) released!: boolean;
  @Field(() => AccessBasis, { nullable: true }) basis!: AccessBasis | null;
  @Field(() => ID, { nullable: true, description: 'The consent or justification relied on.' }) basisId!: string | null;
  @Field(() => AgreementRuleEnum, { description: 'What the sharing agreement says for the caller’s agency kind and roles.' }) rule!: AgreementRuleEnum;
  @Field() agreementVersion!: string;
  @Field({ description: 'The category is sealed: it needs a basis even where the agreement trusts the caller.' }) sealed!: boolean;
  @Field({ description: 'The caller’s agency holds its own record of this person (always visible to it).' }) ownRecord!: boolean;
  @Field(() => [ReleaseBasis]) releasableWith!: ReleaseBasis[];
  @Field({ description: 'The decision in plain words.' }) explanation!: string;
}

@PublicType('the audit, for the data protection officer only')
@ObjectType({ description: 'One access decision of a request: who, which person and category, released or withheld, on which basis, and every place in the response it governed.' })
export class AuditEvent {
  @Field(() => ID) seq!: string;
  @Field(() => DateTimeScalar) at!: Date;
  @Field() requestId!: string;
  @Field() sub!: string;
  @Field() agency!: string;
  @Field(() => [RoleEnum]) roles!: string[];
  @Field(() => ID, { nullable: true }) personId!: string | null;
  @Field(() => DataCategory) category!: DataCategory;
  @Field(() => [[String]], { description: 'The client-facing response paths the decision governed.' }) paths!: string[][];
  @Field(() => AuditOutcome) outcome!: AuditOutcome;
  @Field(() => AccessBasis, { nullable: true }) basis!: AccessBasis | null;
  @Field(() => String, { nullable: true }) basisId!: string | null;
}

@PublicType('connection structure')
@ObjectType()
export class AuditEventEdge {
  @Field(() => AuditEvent) node!: AuditEvent;
  @Field() cursor!: string;
}

@PublicType('connection structure')
@ObjectType()
export class AuditEventConnection {
  @Field(() => [AuditEventEdge]) edges!: AuditEventEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}

export { AgencyKindEnum };
