/**
 * A small synthetic demo: three children seen by several agencies under different names. All
 * names, dates and references are invented. Persons are linked as an analyst would have linked
 * them so far; the custody record of "Van Anh" is deliberately left as its own person, for
 * matching to find.
 */
import type { DataSource } from 'typeorm';
import type { Db } from '../db';
import { SourceIdentityEntity, PersonEntity, type NameKind, type DatePrecision, type BirthDateBasis, type SexCode } from '../subgraphs/identity';

export const DEMO_FEED = 'demo';

interface DemoIdentity {
  agency: string;
  localId: string;
  sex: SexCode;
  nationality: string;
  names: { kind: NameKind; given?: string; family?: string; full?: string; script?: string }[];
  dob?: { value: string; precision: DatePrecision; basis: BirthDateBasis };
  identifiers?: { scheme: string; raw: string; canonical: string; check: 'VALID' | 'INVALID' | 'NOT_CHECKABLE' }[];
  biometrics?: { modality: 'FINGERPRINT' | 'PHOTO'; repository: string; reference: string }[];
  contacts?: { kind: 'PHONE' | 'SOCIAL_MEDIA'; platform?: string; value: string; canonical: string }[];
}

const CHILDREN: { key: string; identities: DemoIdentity[] }[] = [
  {
    key: 'anh',
    identities: [
      {
        agency: 'HO', localId: 'HO-B1234567', sex: 'MALE', nationality: 'VNM',
        names: [{ kind: 'LEGAL', given: 'Anh', family: 'Nguyen Van' }],
        dob: { value: '2009-03-15', precision: 'MONTH', basis: 'CLAIMED' },
        identifiers: [{ scheme: 'HO_REF', raw: 'B1234567', canonical: 'B1234567', check: 'NOT_CHECKABLE' }],
        biometrics: [{ modality: 'FINGERPRINT', repository: 'IABS', reference: 'IABS-55120931' }, { modality: 'PHOTO', repository: 'IABS', reference: 'IMG-55120931' }],
      },
      {
        agency: 'LA-886', localId: 'C886-0412', sex: 'MALE', nationality: 'VNM',
        names: [{ kind: 'ASSERTED', given: 'Anh', family: 'Nguyen' }],
        dob: { value: '2009-03-15', precision: 'DAY', basis: 'CLAIMED' },
        identifiers: [{ scheme: 'HO_REF', raw: 'b1234567 ', canonical: 'B1234567', check: 'NOT_CHECKABLE' }],
        contacts: [{ kind: 'PHONE', value: '07700 900123', canonical: '+447700900123' }],
      },
    ],
  },
  {
    key: 'van-anh',
    identities: [
      {
        agency: 'POLICE-WYP', localId: 'P-0002', sex: 'MALE', nationality: 'VNM',
        names: [{ kind: 'ASSERTED', given: 'Van Anh', family: 'Nguyen' }],
        dob: { value: '2009-01-01', precision: 'YEAR', basis: 'ASSESSED' },
        identifiers: [{ scheme: 'PNC_ID', raw: '2019/0123456E', canonical: '2019/0123456E', check: 'VALID' }],
        biometrics: [{ modality: 'FINGERPRINT', repository: 'IDENT1', reference: 'ID1-88213377' }],
      },
    ],
  },
  {
    key: 'mariam',
    identities: [
      {
        agency: 'LA-213', localId: 'C213-0077', sex: 'FEMALE', nationality: 'ERI',
        names: [{ kind: 'LEGAL', given: 'Mariam', family: 'Tesfaye Haile' }, { kind: 'NICKNAME', given: 'Miri' }],
        dob: { value: '2010-06-02', precision: 'DAY', basis: 'DOCUMENTED' },
        identifiers: [{ scheme: 'UPN', raw: 'A123456789012', canonical: 'A123456789012', check: 'INVALID' }],
        contacts: [{ kind: 'SOCIAL_MEDIA', platform: 'instagram', value: '@miri.t', canonical: 'instagram:miri.t' }],
      },
      {
        agency: 'POLICE-MPS', localId: 'P-0417', sex: 'FEMALE', nationality: 'ERI',
        names: [{ kind: 'ASSERTED', full: 'Meriam Tesfay', script: 'መርየም ተስፋይ' }],
        dob: { value: '2010-01-01', precision: 'YEAR', basis: 'CLAIMED' },
      },
    ],
  },
];

/** Insert the demo unless it is there already; returns the person ids by key. */
export async function seedDemo(dataSource: DataSource, db: Db): Promise<Record<string, string>> {
  const existing = await db.query<{ local_id: string; person_id: string }>(
    `select local_id, person_id from identity.source_identity where feed = $1`, [DEMO_FEED],
  );
  const ids: Record<string, string> = {};
  if (existing.length > 0) {
    for (const child of CHILDREN) ids[child.key] = existing.find((e) => e.local_id === child.identities[0]!.localId)!.person_id;
    return ids;
  }
  await dataSource.transaction(async (manager) => {
    for (const child of CHILDREN) {
      const person = await manager.save(manager.create(PersonEntity, {}));
      ids[child.key] = person.id;
      for (const d of child.identities) {
        await manager.save(
          manager.create(SourceIdentityEntity, {
            personId: person.id, agency: d.agency, feed: DEMO_FEED, localId: d.localId, sex: d.sex, nationality: d.nationality,
            names: d.names.map((n, i) => ({ kind: n.kind, given: n.given ?? null, family: n.family ?? null, fullName: n.full ?? null, originalScript: n.script ?? null, ordinal: i })),
            birthDates: d.dob ? [d.dob] : [],
            identifiers: (d.identifiers ?? []).map((x) => ({ scheme: x.scheme, raw: x.raw, canonical: x.canonical, checkStatus: x.check })),
            biometrics: d.biometrics ?? [],
            contacts: (d.contacts ?? []).map((c) => ({ kind: c.kind, platform: c.platform ?? null, value: c.value, canonical: c.canonical, recordedAt: null })),
          }),
        );
      }
    }
    const q = (sql: string, params: unknown[]) => manager.query(sql, params);
    const si = `(select id from identity.source_identity where feed = '${DEMO_FEED}' and local_id = $1)`;
    await q(`insert into care.placement (source_identity_id, agency, local_key, placement_type, legal_status, started_on, ended_on, postcode)
             values (${si}, 'LA-886', 'C886-0412/2026-02-21', 'K2', 'V2', '2026-02-21', null, 'CT16 1AA')`, ['C886-0412']);
    await q(`insert into care.missing_episode (source_identity_id, agency, local_key, kind, started_at, ended_at, risk_level, last_seen_location)
             values (${si}, 'LA-886', 'C886-0412/M1', 'MISSING', '2026-02-23T21:00:00Z', null, 'HIGH', 'Dover')`, ['C886-0412']);
    await q(`insert into police.custody (source_identity_id, agency, custody_ref, arrested_at, location, offence, fingerprints_taken)
             values (${si}, 'POLICE-WYP', 'CUS-26-0042', '2026-05-10T04:30:00Z', 'Bradford', 'cannabis cultivation', true)`, ['P-0002']);
    await q(`insert into immigration.encounter (source_identity_id, agency, encounter_ref, at, kind, location, unaccompanied, referred_to_la, border_flag_set)
             values (${si}, 'HO', 'ENC-1', '2026-02-20T11:00:00Z', 'PORT_ARRIVAL', 'Dover', true, 'LA-886', false)`, ['HO-B1234567']);
    await q(`insert into immigration.asylum_status (source_identity_id, agency, claimed_at, status)
             values (${si}, 'HO', '2026-02-21', 'PENDING')`, ['HO-B1234567']);
    await q(`insert into immigration.nrm_referral (source_identity_id, agency, nrm_ref, referred_at, first_responder, competent_authority, exploitation_types, reasonable_grounds, reasonable_grounds_at, conclusive_grounds)
             values (${si}, 'HO', 'NRM-26-77', '2026-02-22', 'LA-886', 'SCA', '{CRIMINAL}', 'POSITIVE', '2026-02-27', 'PENDING')`, ['HO-B1234567']);
    await q(`insert into care.placement (source_identity_id, agency, local_key, placement_type, legal_status, started_on, postcode)
             values (${si}, 'LA-213', 'C213-0077/2025-11-02', 'U1', 'C2', '2025-11-02', 'SE1 7PB')`, ['C213-0077']);
    const report = await q(`insert into police.missing_report (source_identity_id, agency, report_ref, reported_at, last_seen_at, last_seen_location, missing_from_la)
             values (${si}, 'POLICE-MPS', 'MIS-26-0001', '2026-03-02T08:00:00Z', '2026-03-01T21:00:00Z', 'Croydon', 'LA-213') returning id`, ['P-0417']) as { id: string }[];
    await q(`insert into police.risk_grading (missing_report_id, level, graded_at) values ($1, 'MEDIUM', '2026-03-02T08:10:00Z'), ($1, 'HIGH', '2026-03-03T09:00:00Z')`, [report[0]!.id]);
  });
  return ids;
}
