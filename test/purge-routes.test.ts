/**
 * The other two routes by which a source deletes a record (issue 26, item 1), as the DPO would
 * check them: a record sent with its purge flag (the DfE CSC API payload's `purge`), and a full
 * snapshot sent with purge-missing that no longer holds a record. Either way the record goes
 * exactly as `purgeRecords` removes it — afterwards no table in any schema holds its id or any of
 * its values — and the audit records the purge on the child. Refused purges delete nothing; a
 * snapshot that is not whole purges nothing and says so. All values invented.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestHub, type GraphQLResponse, type TestHub } from './support/hub';
import { assertBuilt, harbour, killStragglers } from './support/processes';
import { residues, residuesOf } from './support/residues';

let hub: TestHub;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harbour-purge-routes-'));
beforeAll(async () => {
  assertBuilt();
  hub = await startTestHub();
});
afterAll(async () => {
  killStragglers();
  await hub.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const SUBMIT = `mutation ($feed: Feed!, $records: [JSONObject!]!, $full: Boolean, $purgeMissing: Boolean) {
  submitRecords(feed: $feed, records: $records, full: $full, purgeMissing: $purgeMissing) {
    runId read inserted updated rejected retracted purged incompleteSnapshot rejections { recordIndex field code reason } } }`;
interface Summary { runId: string; read: number; inserted: number; updated: number; rejected: number; retracted: number; purged: number; incompleteSnapshot: string | null;
  rejections: { recordIndex: number; field: string; code: string; reason: string }[] }
const system = (agency: string, kind: string) => hub.token({ agency, kind, roles: ['SYSTEM'] });
const la = () => system('LA-886', 'CHILDRENS_SERVICES');
const submit = (token: string, feed: string, records: Record<string, unknown>[], full = false, purgeMissing = false) =>
  hub.execute<{ submitRecords: Summary }>(token, SUBMIT, { feed, records, full, purgeMissing });
const db = () => hub.database.db;
const code = (r: GraphQLResponse<unknown>) => r.errors?.[0]?.extensions?.code;

/** An LA person record; the purge flag needs the person id alone (the other columns may be empty). */
const laPerson = (id: string, given: string, family: string, dob: string) =>
  ({ table: 'person', pers_person_id: id, pers_forename: given, pers_surname: family, pers_sex: 'F', pers_dob: dob, pers_dob_precision: 'DAY', pers_nationality: 'ALB', pers_upn: '', pers_common_child_id: '', pers_purge: '' });
const laPurge = (id: string) => ({ table: 'person', pers_person_id: id, pers_forename: '', pers_surname: '', pers_sex: '', pers_dob: '', pers_dob_precision: '', pers_nationality: '', pers_upn: '', pers_common_child_id: '', pers_purge: 'true' });

/** The RECORDED audit events on a child. */
const recordedOn = async (personId: string) =>
  db().query<{ sub: string; agency: string; category: string }>(`select sub, agency, category from audit.event where person_id = $1 and outcome = 'RECORDED'`, [personId]);
const personOf = async (agency: string, localId: string) =>
  (await db().query<{ id: string; person_id: string }>(`select id, person_id from identity.source_identity where agency = $1 and local_id = $2`, [agency, localId]))[0]!;

async function sync(args: string[]) {
  const p = harbour(['sync', ...args, '--json'], { DATABASE_URL: hub.config.databaseUrl!, HARBOUR_HOME: hub.config.home, HARBOUR_AUDIT_KEY_FILE: hub.config.auditKeyFile, HARBOUR_ENV: 'development' });
  const exit = await p.exited;
  return { exit, stdout: p.stdout(), stderr: p.stderr() };
}
const jsonl = (name: string, lines: unknown[], end = '\n') => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + end);
  return file;
};

describe('a record sent with its purge flag', () => {
  const V = { localId: 'C886-FLAG1', given: 'Brontellia', family: 'Gorsewhistle', phone: '07700 900611', phoneCanonical: '+447700900611', alias: 'Brontie' };

  test('an LA’s push: the child’s record goes with everything derived from it, nothing of it is left, and the purge is audited', async () => {
    const first = await submit(la(), 'LA_PERSON', [
      laPerson(V.localId, V.given, V.family, '2011-04-05'),
      { table: 'contacts', person_id: V.localId, kind: 'PHONE', value: V.phone },
      { table: 'aliases', person_id: V.localId, name_type: 'ALTERNATE', forename: V.alias, surname: V.family },
    ]);
    expect(first.data!.submitRecords.rejected).toBe(0);
    const { id, person_id: personId } = await personOf('LA-886', V.localId);
    expect(await residues(db(), V.family)).toContain('identity.name');

    const purged = await submit(la(), 'LA_PERSON', [laPurge(V.localId)]);
    expect(purged.errors).toBeUndefined();
    expect(purged.data!.submitRecords).toMatchObject({ read: 1, purged: 1, rejected: 0, inserted: 0, updated: 0 });
    expect(await residuesOf(db(), { ...V, id })).toEqual({});
    expect(await recordedOn(personId)).toEqual([{ sub: 'test-user', agency: 'LA-886', category: 'IDENTITY' }]);
    // The run's counts still add up: read = inserted + updated + unchanged + rejected + purged.
    const run = await hub.execute<{ ingestRun: { read: number; purged: number } }>(la(), `query ($id: ID!) { ingestRun(id: $id) { read purged } }`, { id: purged.data!.submitRecords.runId });
    expect(run.data!.ingestRun).toEqual({ read: 1, purged: 1 });
  });

  test('refused: an id the agency does not hold (never sent, purged already, or another agency’s) is a rejection naming the record, and nothing is deleted', async () => {
    await submit(system('POLICE-KENT', 'POLICE'), 'POLICE', [{ type: 'person', person_ref: 'P-KENT-KEEP', names: [{ given: 'Ysolde', family: 'Marrowby', kind: 'ASSERTED' }], dob: '2010-01-02', sex: 'F' }]);
    // Another force cannot reach Kent's record: to it the id is unknown.
    const other = await submit(system('POLICE-MPS', 'POLICE'), 'POLICE', [{ type: 'person', person_ref: 'P-KENT-KEEP', purge: true }]);
    expect(other.data!.submitRecords).toMatchObject({ read: 1, purged: 0, rejected: 1 });
    expect(other.data!.submitRecords.rejections).toEqual([{ recordIndex: 0, field: 'purge', code: 'UNKNOWN_RECORD', reason: 'your agency holds no police record "P-KENT-KEEP": nothing was purged' }]);
    // Only a person record carries the flag: a report cannot be purged on its own.
    const report = await submit(system('POLICE-KENT', 'POLICE'), 'POLICE', [{ type: 'custody', custody_ref: 'CUS-KEEP', person_ref: 'P-KENT-KEEP', arrested_at: '2026-05-10T04:30:00Z', purge: true }]);
    expect(report.data!.submitRecords.rejections).toEqual([expect.objectContaining({ recordIndex: 0, field: 'purge', code: 'UNKNOWN_CODE' })]);
    // A flag that is neither true nor false rejects its row, naming the column.
    const bad = await submit(la(), 'LA_PERSON', [{ ...laPurge('C886-FLAG1'), pers_purge: 'perhaps' }]);
    expect(bad.data!.submitRecords.rejections).toEqual([expect.objectContaining({ field: 'pers_purge', code: 'UNKNOWN_CODE', reason: 'expected true or false (or Y/N, 1/0), received "perhaps"' })]);
    // An LA's system cannot send police records at all, purge flag or not.
    expect(code(await submit(la(), 'POLICE', [{ type: 'person', person_ref: 'P-KENT-KEEP', purge: true }]))).toBe('FORBIDDEN');
    expect(await residues(db(), 'P-KENT-KEEP')).toContain('identity.source_identity');
    expect(await residues(db(), 'Marrowby')).toContain('identity.name');
  });

  test('a police force’s file through harbour sync: the person, their missing report and its risk history go; the run completes with the refused line', async () => {
    const P = { ref: 'P-KENT-FLAG2', given: 'Quennell', family: 'Ashcombe', report: 'MIS-26-FLAG2', place: 'Pevensmere', handle: 'quennell_ashcombe' };
    const load = await sync(['police', jsonl('load.jsonl', [
      { type: 'person', person_ref: P.ref, names: [{ given: P.given, family: P.family, kind: 'ASSERTED' }], dob: '2010-09-08', sex: 'M', contacts: [{ kind: 'SOCIAL_MEDIA', platform: 'instagram', value: P.handle }] },
      { type: 'missing_report', report_ref: P.report, person_ref: P.ref, reported_at: '2026-03-02T08:00:00Z', last_seen_location: P.place, risk: [{ level: 'HIGH', graded_at: '2026-03-02T08:10:00Z' }] },
    ]), '--agency', 'POLICE-KENT']);
    expect(load.exit).toBe(0);
    const { id, person_id: personId } = await personOf('POLICE-KENT', P.ref);
    expect(await residues(db(), P.report)).toEqual(expect.arrayContaining(['police.missing_report', 'ingest.record_state']));

    const run = await sync(['police', jsonl('purge.jsonl', [{ type: 'person', person_ref: P.ref, purge: true }, { type: 'person', person_ref: 'P-KENT-NOSUCH', purge: true }]), '--agency', 'POLICE-KENT']);
    expect(run.exit).toBe(0);
    const summary = JSON.parse(run.stdout) as { read: number; purged: number; rejected: number; rejections: { line: number; field: string; code: string; reason: string }[] };
    expect(summary).toMatchObject({ read: 2, purged: 1, rejected: 1 });
    expect(summary.rejections).toEqual([expect.objectContaining({ line: 2, field: 'purge', code: 'UNKNOWN_RECORD', reason: 'your agency holds no police record "P-KENT-NOSUCH": nothing was purged' })]);
    expect(await residuesOf(db(), { ...P, id })).toEqual({});
    // The CLI audits it as the mutation does: a change to the child, by the force's system.
    expect(await recordedOn(personId)).toEqual([{ sub: 'harbour sync', agency: 'POLICE-KENT', category: 'IDENTITY' }]);
  });
});

describe('a full snapshot sent with purge-missing', () => {
  const A = { localId: 'C886-SNAP-A', given: 'Marigoldine', family: 'Fennimore' };
  const B = { localId: 'C886-SNAP-B', given: 'Perpetua', family: 'Wrenscombe', consent: 'CONS-SNAP-B' };

  test('what the LA no longer holds is purged, not retracted; what it holds stays', async () => {
    await submit(la(), 'LA_PERSON', [
      laPerson(A.localId, A.given, A.family, '2012-01-13'),
      laPerson(B.localId, B.given, B.family, '2012-03-17'),
      { table: 'consent', person_id: B.localId, consent_id: B.consent, given_by: 'CHILD', categories: 'IDENTITY', recipients: 'POLICE', given_at: '2026-01-05' },
    ]);
    const { id, person_id: personId } = await personOf('LA-886', B.localId);
    // The whole current set of the LA's person details: A and the earlier children, not B.
    const held = (await db().query<{ local_id: string; given: string; family: string; dob: string }>(
      `select s.local_id, n.given, n.family, to_char(b.value, 'YYYY-MM-DD') as dob from identity.source_identity s join identity.name n on n.source_identity_id = s.id and n.kind = 'LEGAL'
         join identity.birth_date b on b.source_identity_id = s.id where s.agency = 'LA-886' and s.feed = 'la-person' and s.local_id <> $1`, [B.localId]));
    const snapshot = held.map((h) => laPerson(h.local_id, h.given, h.family, h.dob));

    // First the same safety as retraction: an empty set, and a plain full snapshot, delete nothing.
    const empty = await submit(la(), 'LA_PERSON', [], true, true);
    expect(empty.data!.submitRecords).toMatchObject({ purged: 0, retracted: 0, incompleteSnapshot: 'nothing purged: the input is not a whole snapshot (the input holds no record)' });
    expect(code(await submit(la(), 'LA_PERSON', snapshot, false, true))).toBe('BAD_USER_INPUT');
    expect(await residues(db(), B.family)).toContain('identity.name');

    const run = await submit(la(), 'LA_PERSON', snapshot, true, true);
    expect(run.errors).toBeUndefined();
    expect(run.data!.submitRecords).toMatchObject({ purged: 2, retracted: 0, incompleteSnapshot: null }); // B's person record and its consent
    expect(await residuesOf(db(), { ...B, id })).toEqual({});
    expect(await residues(db(), A.family)).toContain('identity.name');
    expect(await recordedOn(personId)).toEqual([{ sub: 'test-user', agency: 'LA-886', category: 'IDENTITY' }]);
  });

  test('a police file cut off mid-line purges nothing, and says so; --purge-missing without --full is refused', async () => {
    await sync(['police', jsonl('two.jsonl', [
      { type: 'person', person_ref: 'P-KENT-CUT1', names: [{ given: 'Auberon', family: 'Threlkeld', kind: 'ASSERTED' }], dob: '2009-02-03', sex: 'M' },
      { type: 'person', person_ref: 'P-KENT-CUT2', names: [{ given: 'Isolde', family: 'Pennywhistle', kind: 'ASSERTED' }], dob: '2009-04-05', sex: 'F' },
    ]), '--agency', 'POLICE-KENT']);
    const cut = await sync(['police', jsonl('cut.jsonl', [
      { type: 'person', person_ref: 'P-KENT-CUT1', names: [{ given: 'Auberon', family: 'Threlkeld', kind: 'ASSERTED' }], dob: '2009-02-03', sex: 'M' }, '{"type":"person","person_ref":"P-KENT-CU'], ''), '--agency', 'POLICE-KENT', '--full', '--purge-missing']);
    expect(cut.exit).toBe(0);
    expect(JSON.parse(cut.stdout)).toMatchObject({ purged: 0, retracted: 0, incompleteSnapshot: 'nothing purged: the input is not a whole snapshot (cut.jsonl line 2: TRUNCATED)' });
    expect(await residues(db(), 'Pennywhistle')).toContain('identity.name');
    const refused = await sync(['police', jsonl('one.jsonl', [{ type: 'person', person_ref: 'P-KENT-CUT1', names: [{ given: 'Auberon', kind: 'ASSERTED' }] }]), '--agency', 'POLICE-KENT', '--purge-missing']);
    expect(refused.exit).toBe(2);
    expect(refused.stderr.trim()).toBe('harbour sync: --purge-missing needs --full: only a whole current set says what was deleted.');
  });
});
