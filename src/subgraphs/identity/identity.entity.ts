/**
 * TypeORM entities of the identity schema. They mirror `migrations/` (which alone changes the
 * schema) and are used for writes; reads go through the per-request loaders in SQL.
 */
import { Column, Entity, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn } from 'typeorm';

export type NameKind = 'LEGAL' | 'ASSERTED' | 'ALTERNATE' | 'NICKNAME' | 'WEAK';
export type DatePrecision = 'DAY' | 'MONTH' | 'YEAR';
export type BirthDateBasis = 'CLAIMED' | 'DOCUMENTED' | 'ASSESSED';
export type CheckStatus = 'VALID' | 'INVALID' | 'NOT_CHECKABLE';
export type SexCode = 'MALE' | 'FEMALE' | 'OTHER' | 'UNKNOWN';
export type BiometricModality = 'FINGERPRINT' | 'PHOTO' | 'DNA' | 'IRIS';
export type ContactKind = 'PHONE' | 'SOCIAL_MEDIA' | 'EMAIL' | 'TRAVEL_CARD' | 'DEVICE';

@Entity({ schema: 'identity', name: 'person' })
export class PersonEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt!: Date;
  @Column({ name: 'replaced_by', type: 'uuid', nullable: true }) replacedBy!: string | null;
  @Column({ name: 'replaced_at', type: 'timestamptz', nullable: true }) replacedAt!: Date | null;
  @OneToMany(() => SourceIdentityEntity, (s) => s.person) identities?: SourceIdentityEntity[];
}

@Entity({ schema: 'identity', name: 'source_identity' })
export class SourceIdentityEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'person_id', type: 'uuid' }) personId!: string;
  @ManyToOne(() => PersonEntity, (p) => p.identities) @JoinColumn({ name: 'person_id' }) person?: PersonEntity;
  @Column('text') agency!: string;
  @Column('text') feed!: string;
  @Column({ name: 'local_id', type: 'text' }) localId!: string;
  @Column({ type: 'text', nullable: true }) sex!: SexCode | null;
  @Column({ type: 'text', nullable: true }) nationality!: string | null;
  @Column({ name: 'content_hash', type: 'text', nullable: true }) contentHash!: string | null;
  @Column({ name: 'first_seen', type: 'timestamptz', default: () => 'now()' }) firstSeen!: Date;
  @Column({ name: 'last_seen', type: 'timestamptz', default: () => 'now()' }) lastSeen!: Date;
  @Column({ name: 'retracted_at', type: 'timestamptz', nullable: true }) retractedAt!: Date | null;
  @OneToMany(() => NameEntity, (n) => n.sourceIdentity, { cascade: ['insert'] }) names?: NameEntity[];
  @OneToMany(() => BirthDateEntity, (n) => n.sourceIdentity, { cascade: ['insert'] }) birthDates?: BirthDateEntity[];
  @OneToMany(() => IdentifierEntity, (n) => n.sourceIdentity, { cascade: ['insert'] }) identifiers?: IdentifierEntity[];
  @OneToMany(() => BiometricReferenceEntity, (n) => n.sourceIdentity, { cascade: ['insert'] }) biometrics?: BiometricReferenceEntity[];
  @OneToMany(() => ContactPointEntity, (n) => n.sourceIdentity, { cascade: ['insert'] }) contacts?: ContactPointEntity[];
}

abstract class IdentityFact {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'source_identity_id', type: 'uuid' }) sourceIdentityId!: string;
}

@Entity({ schema: 'identity', name: 'name' })
export class NameEntity extends IdentityFact {
  @ManyToOne(() => SourceIdentityEntity, (s) => s.names) @JoinColumn({ name: 'source_identity_id' }) sourceIdentity?: SourceIdentityEntity;
  @Column('text') kind!: NameKind;
  @Column({ type: 'text', nullable: true }) given!: string | null;
  @Column({ type: 'text', nullable: true }) family!: string | null;
  @Column({ name: 'full_name', type: 'text', nullable: true }) fullName!: string | null;
  @Column({ name: 'original_script', type: 'text', nullable: true }) originalScript!: string | null;
  @Column({ type: 'smallint', default: 0 }) ordinal!: number;
}

@Entity({ schema: 'identity', name: 'birth_date' })
export class BirthDateEntity extends IdentityFact {
  @ManyToOne(() => SourceIdentityEntity, (s) => s.birthDates) @JoinColumn({ name: 'source_identity_id' }) sourceIdentity?: SourceIdentityEntity;
  @Column('date') value!: string;
  @Column('text') precision!: DatePrecision;
  @Column('text') basis!: BirthDateBasis;
}

@Entity({ schema: 'identity', name: 'identifier' })
export class IdentifierEntity extends IdentityFact {
  @ManyToOne(() => SourceIdentityEntity, (s) => s.identifiers) @JoinColumn({ name: 'source_identity_id' }) sourceIdentity?: SourceIdentityEntity;
  @Column('text') scheme!: string;
  @Column('text') raw!: string;
  @Column('text') canonical!: string;
  @Column({ name: 'check_status', type: 'text' }) checkStatus!: CheckStatus;
}

@Entity({ schema: 'identity', name: 'biometric_reference' })
export class BiometricReferenceEntity extends IdentityFact {
  @ManyToOne(() => SourceIdentityEntity, (s) => s.biometrics) @JoinColumn({ name: 'source_identity_id' }) sourceIdentity?: SourceIdentityEntity;
  @Column('text') modality!: BiometricModality;
  @Column('text') repository!: string;
  @Column('text') reference!: string;
}

@Entity({ schema: 'identity', name: 'contact_point' })
export class ContactPointEntity extends IdentityFact {
  @ManyToOne(() => SourceIdentityEntity, (s) => s.contacts) @JoinColumn({ name: 'source_identity_id' }) sourceIdentity?: SourceIdentityEntity;
  @Column('text') kind!: ContactKind;
  @Column({ type: 'text', nullable: true }) platform!: string | null;
  @Column('text') value!: string;
  @Column('text') canonical!: string;
  @Column({ name: 'recorded_at', type: 'timestamptz', nullable: true }) recordedAt!: Date | null;
}

export const identityEntities = [PersonEntity, SourceIdentityEntity, NameEntity, BirthDateEntity, IdentifierEntity, BiometricReferenceEntity, ContactPointEntity];
