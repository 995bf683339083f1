/**
 * Bad input loses nothing and stops nothing (issue 21, item 4), and a feed is loaded only under an
 * agency of the kind it comes from (item 6): real PostgreSQL, the real pipeline, the real gateway.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { program } from '../src/cli/main';
import { FEEDS, ingest } from '../src/ingest';
import { rootLogger } from '../src/log';
import { startTestHub, type TestHub } from './support/hub';

const log = rootLogger('silent');
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

function tmp(name: string, content: string | Buffer): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bad-input-')), name);
  fs.writeFileSync(file, content);
  return file;
}
const sync = (feed: string, agency: string, files: string[], full = false) => ingest(hub.database.db, log, FEEDS[feed]!, { agency, files, full });
const db = () => hub.database.db;
const runOf = async (id: string) => (await db().query<{ phase: string; failure: string | null }>('select phase, failure from ingest.run where id = $1', [id]))[0];
const rejectionsOf = (runId: string) => db().query('select line, field, code from ingest.rejection where run_id = $1 order by ordinal', [runId]);

const MISSING = 'CHILD,DOB,MISSING,MIS_START,MIS_END\n';
const person = (ref: string, given = 'Anh') => ({ type: 'person', person_ref: ref, names: [{ given, family: 'Nguyen', kind: 'ASSERTED' }], sex: 'M' });
const jsonl = (lines: unknown[]) => lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
const policeOpen = (agency: string) => db().query<{ local_id: string }>(`select local_id from identity.source_identity where agency = $1 and feed = 'police' and retracted_at is null order by local_id`, [agency]);

describe('a NUL character is one rejection; the rows around it are stored and the run completes', () => {
  test('in a CSV field', async () => {
    const file = tmp('missing.csv', `${MISSING}5001,12/03/2010,M,01/02/2019,\n5002,12/03/2010,M,01/02/2019,0\u00002/02/2019\n5003,12/03/2010,A,05/03/2019,\n`);
    const summary = await sync('ssda903', 'LA-401', [file]);
    expect(summary).toMatchObject({ read: 3, inserted: 2, rejected: 1 });
    expect(await rejectionsOf(summary.runId)).toEqual([{ line: 3, field: 'MIS_END', code: 'NUL_CHARACTER' }]);
    expect(await db().query(`select local_key from care.missing_episode where agency = 'LA-401' order by local_key`)).toEqual([{ local_key: '5001/2019-02-01' }, { local_key: '5003/2019-03-05' }]);
    expect(await runOf(summary.runId)).toEqual({ phase: 'COMPLETED', failure: null });
  });

  test('in a JSON Lines value, escaped or raw', async () => {
    const file = tmp('police.jsonl', jsonl([person('P-1'), person('P-2', 'A\u0000nh'), JSON.stringify(person('P-3', 'An#h')).replace('#', '\u0000'), person('P-4')]));
    const summary = await sync('police', 'POLICE-NUL', [file]);
    expect(summary).toMatchObject({ read: 4, inserted: 2, rejected: 2 });
    expect(await rejectionsOf(summary.runId)).toEqual([{ line: 2, field: 'names[0].given', code: 'NUL_CHARACTER' }, { line: 3, field: null, code: 'NUL_CHARACTER' }]);
    expect(await policeOpen('POLICE-NUL')).toEqual([{ local_id: 'P-1' }, { local_id: 'P-4' }]);
    expect(await runOf(summary.runId)).toEqual({ phase: 'COMPLETED', failure: null });
  });
});

const SUBMIT = `mutation ($feed: Feed!, $records: [JSONObject!]!, $full: Boolean) {
  submitRecords(feed: $feed, records: $records, full: $full) { runId read inserted unchanged rejected retracted incompleteSnapshot rejections { recordIndex field code reason } } }`;
type Submitted = { submitRecords: { runId: string; read: number; inserted: number; rejected: number; retracted: number; incompleteSnapshot: string | null; rejections: { recordIndex: number; field: string | null; code: string }[] } };
const system = (agency: string, kind: string) => hub.token({ agency, kind, roles: ['SYSTEM'] });

// Deeper than a record may nest (32), within what the gateway takes in variables (64; a
// 10,000-deep value is refused there as BAD_USER_INPUT, test/client-mistakes.test.ts).
test('pushed records: a value nested 40 deep is a rejection with its index; the others are stored', async () => {
  let deep: unknown = 'bottom';
  for (let i = 0; i < 40; i++) deep = [deep];
  const response = await hub.execute<Submitted>(system('POLICE-PUSH', 'POLICE'), SUBMIT, { feed: 'POLICE', records: [person('P-1'), { ...person('P-2'), note: deep }, person('P-3')] });
  expect(response.errors).toBeUndefined();
  expect(response.data!.submitRecords).toMatchObject({ read: 3, inserted: 2, rejected: 1, rejections: [{ recordIndex: 1, code: 'TOO_DEEP' }] });
  expect(await policeOpen('POLICE-PUSH')).toEqual([{ local_id: 'P-1' }, { local_id: 'P-3' }]);
});

// A NUL in a pushed value never reaches the pipeline: the gateway refuses the request as a client
// mistake naming the record and field (the pusher corrects and resends), and no run starts.
test.each([
  ['POLICE', 'POLICE-NULPUSH', 'POLICE', [person('P-1'), person('P-2', 'A\u0000nh')], /"\$records" at "records\[1\]\.names\[0\]\.given": text may not contain the NUL character/],
  ['SSDA903', 'LA-402', 'CHILDRENS_SERVICES', [
    { table: 'Missing', CHILD: '1', DOB: '15/03/2009', MISSING: 'M', MIS_START: '01/02/2026', MIS_END: '' },
    { table: 'Missing', CHILD: '2', DOB: '15/03/2009', MISSING: 'M\u0000', MIS_START: '01/02/2026', MIS_END: '' },
  ], /"\$records" at "records\[1\]\.MISSING": text may not contain the NUL character/],
])('pushed %s records with a NUL: BAD_USER_INPUT naming the record and field, nothing stored', async (feed, agency, kind, records, message) => {
  const runsBefore = await db().query('select count(*)::int as n from ingest.run where agency = $1', [agency]);
  const response = await hub.execute<Submitted>(system(agency, kind), SUBMIT, { feed, records });
  expect(response.data ?? null).toBeNull();
  expect(response.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(message), extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
  expect(await db().query('select count(*)::int as n from ingest.run where agency = $1', [agency])).toEqual(runsBefore);
});

describe('--full on a snapshot that is not whole retracts nothing, and says why', () => {
  test('an empty push', async () => {
    const loaded = await hub.execute<Submitted>(system('POLICE-EMPTY', 'POLICE'), SUBMIT, { feed: 'POLICE', records: [person('P-1'), person('P-2')], full: true });
    expect(loaded.data!.submitRecords).toMatchObject({ inserted: 2, retracted: 0, incompleteSnapshot: null });
    const empty = await hub.execute<Submitted>(system('POLICE-EMPTY', 'POLICE'), SUBMIT, { feed: 'POLICE', records: [], full: true });
    expect(empty.errors).toBeUndefined();
    expect(empty.data!.submitRecords).toMatchObject({ read: 1, rejected: 1, retracted: 0, incompleteSnapshot: expect.stringContaining('EMPTY_FILE') });
    const csvEmpty = await hub.execute<Submitted>(system('LA-403', 'CHILDRENS_SERVICES'), SUBMIT, { feed: 'LA_PERSON', records: [], full: true });
    expect(csvEmpty.data!.submitRecords).toMatchObject({ read: 0, retracted: 0, incompleteSnapshot: expect.stringContaining('no record') });
    expect(await policeOpen('POLICE-EMPTY')).toEqual([{ local_id: 'P-1' }, { local_id: 'P-2' }]);
  });

  test('a CSV cut mid-line, or whose last line has no line end', async () => {
    const rows = ['6001,12/03/2010,M,01/02/2019,', '6002,12/03/2010,M,01/02/2019,', '6003,12/03/2010,M,01/02/2019,', '6004,12/03/2010,M,01/02/2019,'];
    expect(await sync('ssda903', 'LA-404', [tmp('missing.csv', `${MISSING}${rows.join('\n')}\n`)], true)).toMatchObject({ inserted: 4, retracted: 0, incompleteSnapshot: null });
    const cut = await sync('ssda903', 'LA-404', [tmp('missing.csv', `${MISSING}${rows[0]}\n${rows[1]!.slice(0, 12)}`)], true);
    expect(cut).toMatchObject({ read: 2, unchanged: 1, rejected: 1, retracted: 0, incompleteSnapshot: expect.stringMatching(/missing\.csv line 3.*TRUNCATED/) });
    const unterminated = await sync('ssda903', 'LA-404', [tmp('missing.csv', `${MISSING}${rows[0]}\n${rows[1]}`)], true);
    expect(unterminated).toMatchObject({ read: 2, unchanged: 2, rejected: 0, retracted: 0, incompleteSnapshot: expect.stringMatching(/missing\.csv line 3.*TRUNCATED/) });
    expect(await db().query(`select count(*)::int as n from care.missing_episode where agency = 'LA-404' and retracted_at is null`)).toEqual([{ n: 4 }]);
  });

  test('a JSON Lines file whose last line does not parse, and an XML document not closed', async () => {
    await sync('police', 'POLICE-CUT', [tmp('police.jsonl', jsonl([person('P-1'), person('P-2'), person('P-3')]))], true);
    const cut = await sync('police', 'POLICE-CUT', [tmp('police.jsonl', `${JSON.stringify(person('P-1'))}\n${JSON.stringify(person('P-2')).slice(0, 30)}`)], true);
    expect(cut).toMatchObject({ read: 2, unchanged: 1, rejected: 1, retracted: 0, incompleteSnapshot: expect.stringContaining('TRUNCATED') });
    expect(await policeOpen('POLICE-CUT')).toHaveLength(3);

    const child = (id: string) => `<CHILD><HEADER><CHILDID>${id}</CHILDID><UPN>UN1</UPN><SEX>1</SEX><DOB>28/07/2010</DOB><ETHNIC>BAFR</ETHNIC></HEADER></CHILD>`;
    await sync('ssda903', 'LA-405', [tmp('return.xml', `<?xml version="1.0"?>\n<EXPSSDA903>${child('1')}${child('2')}</EXPSSDA903>\n`)], true);
    const open = await sync('ssda903', 'LA-405', [tmp('return.xml', `<?xml version="1.0"?>\n<EXPSSDA903>${child('1')}`)], true);
    expect(open).toMatchObject({ unchanged: 1, rejected: 1, retracted: 0, incompleteSnapshot: expect.stringContaining('MALFORMED_XML') });
  });

  test('a whole snapshot still retracts what it no longer holds', async () => {
    await sync('police', 'POLICE-WHOLE', [tmp('police.jsonl', jsonl([person('P-1'), person('P-2')]))], true);
    expect(await sync('police', 'POLICE-WHOLE', [tmp('police.jsonl', jsonl([person('P-1')]))], true)).toMatchObject({ unchanged: 1, retracted: 1, incompleteSnapshot: null });
  });
});

test('a run interrupted by an unexpected error ends FAILED with a coded reason; the same input again resumes and completes', async () => {
  const file = tmp('missing.csv', `${MISSING}7001,12/03/2010,M,01/02/2019,\n7002,12/03/2010,M,01/02/2019,\n`);
  let runId = '';
  // The file goes away once the run has started: reading it fails mid-run.
  const failed = ingest(db(), log, FEEDS.ssda903!, { agency: 'LA-406', files: [file], onStart: () => fs.renameSync(file, `${file}.away`) });
  const error = await failed.then(() => undefined, (e: unknown) => e as Error & { extensions?: Record<string, unknown> });
  expect(error?.message).toMatch(/^ingest run [0-9a-f-]{36} failed \(READ_FAILED\)/);
  expect(error?.message).not.toMatch(/ENOENT|missing\.csv|\//);
  runId = String(error?.extensions?.runId);
  expect(await runOf(runId)).toEqual({ phase: 'FAILED', failure: 'READ_FAILED' });

  fs.renameSync(`${file}.away`, file);
  const resumed = await ingest(db(), log, FEEDS.ssda903!, { agency: 'LA-406', files: [file] });
  expect(resumed).toMatchObject({ runId, resumed: true, read: 2, inserted: 2, rejected: 0 });
  expect(await runOf(runId)).toEqual({ phase: 'COMPLETED', failure: null });
});

test('a run left unfinished is not resumed once a later run of the feed has completed: its input starts again from the first row', async () => {
  const file = tmp('missing.csv', `${MISSING}7101,12/03/2010,M,01/02/2019,\n7102,12/03/2010,M,01/02/2019,\n`);
  const failed = ingest(db(), log, FEEDS.ssda903!, { agency: 'LA-407', files: [file], onStart: () => fs.renameSync(file, `${file}.away`) });
  const runId = String((await failed.then(() => undefined, (e: unknown) => e as Error & { extensions?: Record<string, unknown> }))?.extensions?.runId);
  // A newer return of the same feed is loaded and completes.
  await ingest(db(), log, FEEDS.ssda903!, { agency: 'LA-407', files: [tmp('missing.csv', `${MISSING}7101,12/03/2010,M,01/03/2019,\n`)] });
  fs.renameSync(`${file}.away`, file);
  const again = await ingest(db(), log, FEEDS.ssda903!, { agency: 'LA-407', files: [file] });
  expect(again).toMatchObject({ resumed: false, read: 2 });
  expect(again.runId).not.toBe(runId);
  expect(await runOf(runId)).toEqual({ phase: 'FAILED', failure: 'READ_FAILED' });
});

describe('a feed is loaded only under an agency of the kind it comes from', () => {
  const police = () => tmp('police.jsonl', jsonl([person('P-1')]));
  const nothingFor = async (agency: string) => {
    const [row] = await db().query<{ runs: number; identities: number }>(
      `select (select count(*)::int from ingest.run where agency = $1) as runs, (select count(*)::int from identity.source_identity where agency = $1) as identities`, [agency]);
    expect(row).toEqual({ runs: 0, identities: 0 });
  };

  test.each([
    ['police', 'LA-886', 'a police force'],
    ['ssda903', 'POLICE-MPS', 'children’s services'],
    ['la-person', 'HO', 'children’s services'],
    ['home-office', 'LA-887', 'the Home Office'],
  ])('%s under %s is refused, nothing written', async (feed, agency, source) => {
    const file = feed === 'police' || feed === 'home-office' ? police() : tmp('missing.csv', `${MISSING}1,12/03/2010,M,01/02/2019,\n`);
    await expect(sync(feed, agency, [file])).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringContaining(source) });
    await nothingFor(agency);
  });

  test('submitRecords: an LA system cannot push the police feed (FORBIDDEN, naming the argument)', async () => {
    const response = await hub.execute(system('LA-888', 'CHILDRENS_SERVICES'), SUBMIT, { feed: 'POLICE', records: [person('P-1')] });
    expect(response.errors?.[0]).toMatchObject({ message: expect.stringMatching(/^feed: police records come from a police force/), extensions: { code: 'FORBIDDEN', argument: 'feed' } });
    expect(response.data ?? null).toBeNull();
    await nothingFor('LA-888');
  });

  test('harbour sync police … --agency LA-886: one sentence, exit 2', async () => {
    const saved = { ...process.env };
    const errors: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    const out = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    process.env.DATABASE_URL = hub.config.databaseUrl;
    process.env.HARBOUR_ENV = 'test';
    try {
      // run() prints a UsageError's sentence and exits 2 (src/cli/main.ts).
      await expect(program().parseAsync(['node', 'harbour', 'sync', 'police', police(), '--agency', 'LA-889'])).rejects.toMatchObject({
        name: 'UsageError', exitCode: 2, message: 'harbour sync: police records come from a police force (POLICE-…), and LA-889 is not one: nothing was loaded.',
      });
      expect(errors).toEqual([]);
    } finally {
      process.exitCode = undefined;
      spy.mockRestore();
      out.mockRestore();
      process.env = saved;
    }
    await nothingFor('LA-889');
  });
});
