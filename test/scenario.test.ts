/**
 * The story end to end through the real connectors (agency systems pushing their records), match
 * on arrival, the access rules and the strategy view: a child arrives at Dover, is accommodated,
 * goes missing within 48 hours, is found in custody by another force under another name, and
 * returns — seen by the LA, the police force and the Home Office, each as the agreement allows.
 * All values invented.
 */
import { startTestHub, type GraphQLResponse, type TestHub } from './support/hub';

let hub: TestHub;
const day = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * day);
const uk = (d: Date) => `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const dob = new Date(Date.UTC(new Date().getUTCFullYear() - 16, 2, 15));

const SUBMIT = `mutation ($feed: Feed!, $records: [JSONObject!]!) { submitRecords(feed: $feed, records: $records) { read inserted updated rejected rejections { field code reason } } }`;

async function push(agency: string, kind: string, feed: string, records: Record<string, unknown>[]): Promise<void> {
  const r = await hub.execute<{ submitRecords: { rejected: number; rejections: unknown[] } }>(hub.token({ agency, kind, roles: ['SYSTEM'] }), SUBMIT, { feed, records });
  expect(r.errors).toBeUndefined();
  expect(r.data!.submitRecords.rejections).toEqual([]);
}

const missingRow = (end: Date | null) => ({ table: 'Missing', CHILD: 'C886-0042', DOB: uk(dob), MISSING: 'M', MIS_START: uk(daysAgo(7)), MIS_END: end ? uk(end) : '' });

const VIEW = `query ($agency: String!, $local: String!) { personBySourceRecord(agency: $agency, localId: $local) { id
  identities { agency names { given family } }
  safeguarding { planReadiness { kind status agency } riskSignals { kind detail } chronology { kind agency } } } }`;
interface View {
  personBySourceRecord: { id: string; identities: { agency: string }[]; safeguarding: { planReadiness: { kind: string; status: string; agency: string | null }[]; riskSignals: { kind: string; detail: string }[]; chronology: { kind: string; agency: string }[] } } | null;
}

const viewers = {
  la: () => hub.token({ agency: 'LA-886', kind: 'CHILDRENS_SERVICES', roles: ['MASH_COORDINATOR'] }),
  police: () => hub.token({ agency: 'POLICE-KENT', kind: 'POLICE', roles: ['OFFICER'] }),
  ho: () => hub.token({ agency: 'HO', kind: 'IMMIGRATION', roles: ['CASEWORKER'] }),
};

/** Each viewer finds the child by its own agency's record. */
const OWN_RECORD = { la: ['LA-886', 'C886-0042'], police: ['POLICE-KENT', 'P-KENT-9'], ho: ['HO', 'HO-B7654321'] } as const;

async function view(who: keyof typeof viewers): Promise<NonNullable<View['personBySourceRecord']>> {
  const [agency, local] = OWN_RECORD[who];
  const r: GraphQLResponse<View> = await hub.execute<View>(viewers[who](), VIEW, { agency, local });
  expect(r.errors).toBeUndefined();
  return r.data!.personBySourceRecord!;
}
const kinds = (xs: { kind: string }[]) => [...new Set(xs.map((x) => x.kind))].sort();
const plan = (v: Awaited<ReturnType<typeof view>>, kind: string) => v.safeguarding.planReadiness.find((p) => p.kind === kind)!;

beforeAll(async () => {
  hub = await startTestHub();
  // Day 0: the Home Office meets him at Dover, takes fingerprints, sets a border flag, refers him to the LA.
  await push('HO', 'IMMIGRATION', 'HOME_OFFICE', [
    { type: 'person', person_ref: 'HO-B7654321', names: [{ given: 'Dawit', family: 'Tesfay', kind: 'LEGAL' }], dob: isoDay(dob), dob_precision: 'DAY', sex: 'M', nationality: 'ERI',
      identifiers: [{ scheme: 'HO_REF', value: 'B7654321' }], biometrics: [{ modality: 'FINGERPRINT', repository: 'IABS', reference: 'IABS-77120931' }] },
    { type: 'encounter', encounter_ref: 'ENC-42', person_ref: 'HO-B7654321', at: daysAgo(10).toISOString(), kind: 'PORT_ARRIVAL', location: 'Dover', unaccompanied: true, referred_to_la: 'LA-886', border_flag_set: true },
    { type: 'status', person_ref: 'HO-B7654321', asylum_claimed_at: isoDay(daysAgo(9)), status: 'PENDING' },
  ]);
  // Day 1: the LA accommodates him, records his Home Office reference; two days later he is missing.
  await push('LA-886', 'CHILDRENS_SERVICES', 'LA_PERSON', [
    { table: 'person', pers_person_id: 'C886-0042', pers_forename: 'Dawit', pers_surname: 'Tesfay', pers_sex: 'M', pers_dob: isoDay(dob), pers_dob_precision: 'DAY', pers_nationality: 'ERI', pers_upn: '', pers_common_child_id: '' },
    { table: 'linked_identifiers', link_person_id: 'C886-0042', link_identifier_type: 'Home Office Registration', link_identifier_value: 'B7654321', link_valid_from_date: isoDay(daysAgo(9)), link_valid_to_date: '' },
    { table: 'plan', person_id: 'C886-0042', item: 'ROLES_EXPLAINED', status: 'DONE', recorded_at: daysAgo(9).toISOString(), note: '' },
  ]);
  await push('LA-886', 'CHILDRENS_SERVICES', 'SSDA903', [
    { table: 'Header', CHILD: 'C886-0042', SEX: '1', DOB: uk(dob), ETHNIC: 'BAFR', UPN: 'UN2', MOTHER: '', MC_DOB: '' },
    { table: 'Episodes', CHILD: 'C886-0042', DECOM: uk(daysAgo(9)), RNE: 'S', LS: 'V2', CIN: 'N1', PLACE: 'U1', PLACE_PROVIDER: 'PR1', DEC: '', REC: '', REASON_PLACE_CHANGE: '', HOME_POST: '', PL_POST: 'CT16 1QX', URN: '1000042' },
    missingRow(null),
  ]);
  // Yesterday: another force arrests "David Tesfai" in a cannabis grow; his fingerprints match.
  await push('POLICE-KENT', 'POLICE', 'POLICE', [
    { type: 'person', person_ref: 'P-KENT-9', names: [{ given: 'David', family: 'Tesfai', kind: 'ASSERTED' }], dob: `${dob.getUTCFullYear() - 2}-01-01`, dob_precision: 'YEAR', sex: 'M', nationality: 'ERI',
      biometrics: [{ modality: 'FINGERPRINT', repository: 'IABS', reference: 'IABS-77120931' }] },
    { type: 'custody', custody_ref: 'CUS-9', person_ref: 'P-KENT-9', arrested_at: daysAgo(1).toISOString(), location: 'Maidstone', offence: 'cannabis cultivation', fingerprints_taken: true },
  ]);
}, 60_000);
afterAll(() => hub.close());

test('the records of three agencies become one child, and the LA is alerted that its missing child was found', async () => {
  const la = await view('la');
  // The LA's looked-after return and its case system are two records of its own.
  expect(la.identities.map((i) => i.agency).sort()).toEqual(['HO', 'LA-886', 'LA-886', 'POLICE-KENT']);
  for (const who of ['police', 'ho'] as const) expect((await view(who)).id).toBe(la.id);
  const alerts = await hub.execute<{ matchAlerts: { edges: { node: { missingPerson: { id: string } } }[] } }>(viewers.la(), `{ matchAlerts { edges { node { missingPerson { id } } } } }`);
  expect(alerts.data!.matchAlerts.edges.map((e) => e.node.missingPerson.id)).toContain(la.id);
});

test('each viewer sees the plan, signals and chronology the agreement allows', async () => {
  const la = await view('la');
  expect(kinds(la.safeguarding.riskSignals)).toEqual(expect.arrayContaining(['CURRENTLY_MISSING', 'MISSING_WITHIN_72H_OF_ACCOMMODATION', 'UKMPU_NOT_NOTIFIED']));
  // Fingerprint references from the Home Office and the custody suite both count; the newest speaks.
  expect(plan(la, 'FINGERPRINTS')).toMatchObject({ status: 'PRESENT', agency: 'POLICE-KENT' });
  expect(plan(la, 'UKVI_INFORMED')).toMatchObject({ status: 'PRESENT', agency: 'HO' });
  expect(plan(la, 'NRM_REFERRAL')).toMatchObject({ status: 'MISSING' });
  expect(kinds(la.safeguarding.chronology)).toEqual(expect.arrayContaining(['ENCOUNTER', 'PLACEMENT_STARTED', 'WENT_MISSING']));
  expect(kinds(la.safeguarding.chronology)).not.toContain('CUSTODY'); // CRIMINAL needs a basis for an LA

  const police = await view('police');
  expect(kinds(police.safeguarding.chronology)).toEqual(expect.arrayContaining(['CUSTODY', 'WENT_MISSING']));
  expect(kinds(police.safeguarding.chronology)).not.toContain('ENCOUNTER'); // IMMIGRATION needs a basis for police
  expect(plan(police, 'UKVI_INFORMED')).toMatchObject({ status: 'WITHHELD', agency: null });
  expect(kinds(police.safeguarding.riskSignals)).toContain('CURRENTLY_MISSING');

  const ho = await view('ho');
  expect(kinds(ho.safeguarding.chronology)).toContain('ENCOUNTER');
  expect(kinds(ho.safeguarding.chronology)).not.toContain('WENT_MISSING'); // MISSING needs a basis for the Home Office
  expect(kinds(ho.safeguarding.riskSignals)).not.toContain('CURRENTLY_MISSING');
});

test('the pack of each viewer shows only what that viewer may see', async () => {
  const server = await hub.server();
  const { id } = await view('la');
  const pack = async (who: keyof typeof viewers) => (await fetch(new URL(`/strategy-pack/${id}`, server.url), { headers: { authorization: `Bearer ${viewers[who]()}` } })).text();
  const [la, police, ho] = await Promise.all([pack('la'), pack('police'), pack('ho')]);
  expect(la).toContain('went missing 48 hours after first being accommodated');
  expect(la).not.toContain('cannabis');
  // The chronology in sentences (each the viewer's to see).
  expect(police).toContain('<td>Custody (Kent Police): arrested for cannabis cultivation in Maidstone</td>');
  expect(police).not.toContain('<td>The Home Office: ');
  expect(ho).toContain('<td>The Home Office: ');
  expect(ho).not.toContain('Missing from care');
  for (const page of [la, police, ho]) expect(page).not.toContain('CT16 1QX'); // the placement postcode is sealed
});

test('when he returns, the signals and the chronology follow', async () => {
  await push('LA-886', 'CHILDRENS_SERVICES', 'SSDA903', [missingRow(new Date())]);
  const la = await view('la');
  expect(kinds(la.safeguarding.riskSignals)).not.toContain('CURRENTLY_MISSING');
  expect(kinds(la.safeguarding.chronology)).toContain('RETURNED');
});
