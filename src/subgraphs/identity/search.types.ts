import { Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GuardedInResolver, Public } from '../../access';
import { Person, Sex } from './identity.types';

export enum MatchGradeEnum { CERTAIN = 'CERTAIN', PROBABLE = 'PROBABLE', POSSIBLE = 'POSSIBLE', CERTAINLY_NOT = 'CERTAINLY_NOT' }
registerEnumType(MatchGradeEnum, { name: 'MatchGrade', description: 'FHIR $match grades, by match probability against thresholds in configuration.' });

@InputType({ description: 'A name as known to the searcher: given and family, or a full name in any script.' })
export class NameInput {
  @Field(() => String, { nullable: true }) given?: string | null;
  @Field(() => String, { nullable: true }) family?: string | null;
  @Field(() => String, { nullable: true }) full?: string | null;
}

@InputType({ description: 'An age in whole years when the date of birth is not known ("about 16": min 15, max 17).' })
export class AgeRangeInput {
  @Field(() => Int) min!: number;
  @Field(() => Int) max!: number;
}

@InputType()
export class IdentifierInput {
  @Field({ description: 'PNC_ID, CRO, NHS_NUMBER, UPN, HO_REF, CID_PERSON_ID, PORT_REF, …' }) scheme!: string;
  @Field() value!: string;
}

@InputType({ description: 'A reference into a biometric repository, e.g. IDENT1 or IABS; never an image.' })
export class BiometricInput {
  @Field() repository!: string;
  @Field() reference!: string;
}

@InputType()
export class HandleInput {
  @Field() platform!: string;
  @Field() handle!: string;
}

@InputType({
  description: 'Query by example: any of these; every one given is evidence, but for a field whose category the sharing agreement does not release to the caller for every child '
    + '(identifiers, biometrics, phones or handles, by agency kind): it is not searched on, and `extensions.withheld` says so; an example of nothing else is refused. '
    + 'At most 10 names, identifiers and biometrics, 5 phones and handles.',
})
export class PersonExample {
  @Field(() => [NameInput], { nullable: true }) names?: NameInput[] | null;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD, YYYY-MM or YYYY.' }) dob?: string | null;
  @Field(() => AgeRangeInput, { nullable: true }) ageRange?: AgeRangeInput | null;
  @Field(() => Sex, { nullable: true }) sex?: Sex | null;
  @Field(() => String, { nullable: true, description: 'ISO 3166 alpha-3.' }) nationality?: string | null;
  @Field(() => [IdentifierInput], { nullable: true }) identifiers?: IdentifierInput[] | null;
  @Field(() => [BiometricInput], { nullable: true, description: 'Fingerprint or photo references.' }) biometrics?: BiometricInput[] | null;
  @Field(() => [String], { nullable: true }) phones?: string[] | null;
  @Field(() => [HandleInput], { nullable: true, description: 'Social media handles.' }) handles?: HandleInput[] | null;
}

@ObjectType({ description: 'One field’s part in a match weight; the contributions of a candidate sum to its weight.' })
export class FieldContribution {
  @Public('which field was compared') @Field({ description: 'name, dob, sex, nationality, identifiers, biometrics, contacts, address, postcode, family (brothers, sisters or twins rather than one child), or prior.' }) field!: string;
  @GuardedInResolver('guardEvidence: the category of the field compared') @Field(() => String, { nullable: true, description: 'The comparator level; null when the evidence is withheld from the caller.' }) level!: string | null;
  @Public('a weight: the same for everyone on an alert; a search weighs only what the caller may see') @Field(() => Float, { description: 'log2(m/u): positive is evidence for, negative against.' }) weight!: number;
  @GuardedInResolver('guardEvidence: the category of the field compared') @Field(() => String, { nullable: true, description: 'Plain words; null when the evidence is withheld from the caller.' }) reason!: string | null;
}

@ObjectType({ description: 'A person the example may be, with the evidence.' })
export class MatchCandidate {
  @GuardedInResolver('identitySearch: a person whose IDENTITY the caller may not see is not a result') @Field(() => Person) person!: Person;
  @Public('a score') @Field(() => Float) probability!: number;
  @Public('a grade') @Field(() => MatchGradeEnum) grade!: MatchGradeEnum;
  @Public('a score') @Field(() => Float) matchWeight!: number;
  @Public('the list; each contribution is guarded') @Field(() => [FieldContribution]) contributions!: FieldContribution[];
  @GuardedInResolver('guardEvidence: only reasons from categories the caller may see') @Field(() => [String], { description: 'The strongest reasons the caller may see, for and against.' }) reasons!: string[];
}
