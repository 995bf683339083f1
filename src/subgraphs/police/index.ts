import DataLoader from 'dataloader';
import { DateTimeScalar } from '../scalars';
import { Ctx, Directive, Field, FieldResolver, ID, ObjectType, Resolver, Root, registerEnumType } from 'type-graphql';
import { DataCategory, Sensitive, type Owned, Public, Contained } from '../../access';
import type { RequestContext } from '../../context';
import type { Db } from '../../db';
import { personReference, type SubgraphModule } from '../federation';
import { listLoader, perRequestLoaders, PERSON_OF_SOURCE, visibleRecord } from '../shared';

export enum PoliceRiskLevel { NO_APPARENT_RISK = 'NO_APPARENT_RISK', LOW = 'LOW', MEDIUM = 'MEDIUM', HIGH = 'HIGH' }
registerEnumType(PoliceRiskLevel, { name: 'RiskLevel', description: 'College of Policing APP risk grading.' });

@Contained()
@ObjectType({ description: 'One grading of a missing-person report; re-gradings are kept as history.' })
export class RiskGrading {
  @Field(() => PoliceRiskLevel) level!: PoliceRiskLevel;
  @Field(() => DateTimeScalar) gradedAt!: Date;
}

@Contained()
@ObjectType({ description: 'A police missing-person report.' })
export class MissingReport implements Owned {
  @Field(() => ID) id!: string;
  @Field() agency!: string;
  @Field(() => DateTimeScalar) reportedAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true }) lastSeenAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'The LA the child went missing from.' }) missingFromLa!: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the NCA UK Missing Persons Unit was notified.' }) ukmpuNotifiedAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) foundAt!: Date | null;
  @Field({ description: 'True while the child has not been found.' }) open!: boolean;
  @Field(() => PoliceRiskLevel, { nullable: true, description: 'The latest grading.' }) riskLevel!: PoliceRiskLevel | null;
  @Field(() => [RiskGrading]) riskHistory!: RiskGrading[];
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

@Contained()
@ObjectType({ description: 'A custody record.' })
export class CustodyRecord implements Owned {
  @Field(() => ID) id!: string;
  @Field() agency!: string;
  @Field(() => DateTimeScalar) arrestedAt!: Date;
  @Field(() => String, { nullable: true }) offence!: string | null;
  @Field() fingerprintsTaken!: boolean;
  personId!: string;
  ownerAgency!: string;
  locationValue!: string | null;

  @Field(() => String, { nullable: true })
  @Sensitive(DataCategory.LOCATION)
  location(): string | null {
    return this.locationValue;
  }
}

@ObjectType({ description: 'What police forces hold on a child.' })
export class PoliceRecord implements Owned {
  personId!: string;
  readonly ownerAgency = undefined;
  reports!: MissingReport[];
  custodyItems!: CustodyRecord[];

  @Field(() => [MissingReport], { nullable: true })
  @Sensitive(DataCategory.MISSING)
  missingReports(): MissingReport[] {
    return this.reports;
  }

  @Field(() => [CustodyRecord], { nullable: true })
  @Sensitive(DataCategory.CRIMINAL)
  custody(): CustodyRecord[] {
    return this.custodyItems;
  }
}

interface ReportRow {
  person_id: string; id: string; agency: string; reported_at: Date; last_seen_at: Date | null; last_seen_location: string | null;
  missing_from_la: string | null; ukmpu_notified_at: Date | null; found_at: Date | null; found_location: string | null;
  risk: { level: PoliceRiskLevel; gradedAt: string }[];
}
interface CustodyRow {
  person_id: string; id: string; agency: string; arrested_at: Date; location: string | null; offence: string | null; fingerprints_taken: boolean;
}

function createLoaders(db: Db) {
  const reports = listLoader<ReportRow, MissingReport>(
    db,
    `select si.person_id, t.id, t.agency, t.reported_at, t.last_seen_at, t.last_seen_location, t.missing_from_la,
            t.ukmpu_notified_at, t.found_at, t.found_location,
            coalesce((select json_agg(json_build_object('level', g.level, 'gradedAt', g.graded_at) order by g.graded_at)
                        from police.risk_grading g where g.missing_report_id = t.id), '[]') as risk
       from police.missing_report t ${PERSON_OF_SOURCE}
      where t.retracted_at is null order by t.reported_at, t.id`,
    'person_id',
    (r) => {
      const riskHistory = r.risk.map((g) => Object.assign(new RiskGrading(), { level: g.level, gradedAt: new Date(g.gradedAt) }));
      return Object.assign(new MissingReport(), {
        id: r.id, agency: r.agency, reportedAt: r.reported_at, lastSeenAt: r.last_seen_at, missingFromLa: r.missing_from_la,
        ukmpuNotifiedAt: r.ukmpu_notified_at, foundAt: r.found_at, open: r.found_at === null,
        riskLevel: riskHistory.at(-1)?.level ?? null, riskHistory, personId: r.person_id, ownerAgency: r.agency,
        lastSeenLocationValue: r.last_seen_location, foundLocationValue: r.found_location,
      });
    },
  );
  const custody = listLoader<CustodyRow, CustodyRecord>(
    db,
    `select si.person_id, t.id, t.agency, t.arrested_at, t.location, t.offence, t.fingerprints_taken
       from police.custody t ${PERSON_OF_SOURCE}
      where t.retracted_at is null order by t.arrested_at, t.id`,
    'person_id',
    (r) => Object.assign(new CustodyRecord(), {
      id: r.id, agency: r.agency, arrestedAt: r.arrested_at, offence: r.offence, fingerprintsTaken: r.fingerprints_taken,
      personId: r.person_id, ownerAgency: r.agency, locationValue: r.location,
    }),
  );
  return {
    record: new DataLoader<string, PoliceRecord | null>(async (personIds) => {
      const [r, c] = await Promise.all([reports.loadMany(personIds), custody.loadMany(personIds)]);
      return personIds.map((personId, i) => {
        const items = r[i] as MissingReport[];
        const custodyItems = c[i] as CustodyRecord[];
        return items.length || custodyItems.length ? Object.assign(new PoliceRecord(), { personId, reports: items, custodyItems }) : null;
      });
    }),
  };
}

const policeLoaders = perRequestLoaders(createLoaders);

@Directive('@key(fields: "id")')
@ObjectType('Person')
export class PolicePerson {
  @Field(() => ID) id!: string;
}

@Resolver(() => PolicePerson)
export class PoliceResolver {
  @Public('the police record; each of its fields is guarded', 'Person')
  @FieldResolver(() => PoliceRecord, { nullable: true, description: 'Police records: missing-person reports, custody.' })
  async police(@Root() person: PolicePerson, @Ctx() ctx: RequestContext): Promise<PoliceRecord | null> {
    const record = await policeLoaders(ctx).record.load(person.id);
    return visibleRecord(ctx, person.id, record, (r) => [[DataCategory.MISSING, r.reports], [DataCategory.CRIMINAL, r.custodyItems]]);
  }
}

export const police: SubgraphModule = {
  name: 'police',
  resolvers: [PoliceResolver],
  orphanedTypes: [PolicePerson],
  referenceResolvers: personReference(PolicePerson),
};
