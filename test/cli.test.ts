/**
 * The CLI as a careless operator meets it (issue 21, item 2), run as a user runs it: real
 * processes, real PostgreSQL. A mistake is one sentence on stderr saying what to do, exit 2, with
 * no stack, no raw Node code; stdout holds only the command's answer, so `--json` is pure JSON.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabaseUrl, runtimeUrlOf } from './support/db';
import { assertBuilt, harbour, killStragglers, ROOT } from './support/processes';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'harbour-cli-'));
let env: Record<string, string> = {};
beforeAll(async () => {
  assertBuilt();
  // As an operator gives it: the hub's own role, which cannot alter the audit (README, "The audit").
  env = { HARBOUR_HOME: home, HARBOUR_ENV: 'development', DATABASE_URL: runtimeUrlOf(await createTestDatabaseUrl()) };
});
afterAll(() => {
  killStragglers();
  fs.rmSync(home, { recursive: true, force: true });
});

async function run(args: string[]) {
  const p = harbour(args, env);
  const code = await p.exited;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

/** One plain sentence: a single line, no stack frame, no raw Node error code. */
function expectOneSentence(stderr: string, pattern: RegExp) {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at |ENOENT|EISDIR|EADDRINUSE|EACCES/);
}

test('--version prints the package version and nothing else', async () => {
  const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const { code, stdout } = await run(['--version']);
  expect(code).toBe(0);
  expect(stdout).toBe(`${version}\n`);
});

describe('sync: mistakes about the input are one sentence and exit 2', () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'harbour-cli-empty-'));
  test.each([
    ['a path that does not exist', ['sync', 'ssda903', '/no/such/missing.csv', '--agency', 'LA-886'], /^harbour sync: there is no file or folder \/no\/such\/missing\.csv; check the path/],
    ['a folder without the feed’s files', ['sync', 'police', empty, '--agency', 'POLICE-MPS'], /^harbour sync: the folder .* holds no \.jsonl or \.ndjson file for the police feed/],
    ['a feed that does not exist', ['sync', 'ssda904', empty, '--agency', 'LA-886'], /^harbour sync: there is no feed "ssda904"; use one of ssda903, la-person, police, home-office\.$/],
    ['an agency code that is not one', ['sync', 'ssda903', empty, '--agency', 'Kent'], /^harbour sync: --agency must look like LA-213/],
  ])('%s', async (_, args, pattern) => {
    const { code, stdout, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expectOneSentence(stderr, pattern);
  });
});

test('sync of a folder reads the feed’s files in the feed’s order; --json puts one JSON document on stdout', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harbour-cli-la-'));
  // Named so that alphabetical order would read the aliases before the persons they belong to.
  fs.writeFileSync(path.join(dir, 'aliases.csv'), 'person_id,forename,surname,full_name,name_type\nC901-0001,Anna,Smith,,ALTERNATE\n');
  fs.writeFileSync(path.join(dir, 'person.csv'), 'pers_person_id,pers_forename,pers_surname,pers_sex,pers_dob,pers_dob_precision,pers_nationality,pers_upn,pers_common_child_id\nC901-0001,Ana,Smith,F,2010-03-12,DAY,GBR,,\n');
  const { code, stdout, stderr } = await run(['sync', 'la-person', dir, '--agency', 'LA-901', '--json']);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  const summary = JSON.parse(stdout) as { read: number; inserted: number; rejected: number; rejections: unknown[] };
  expect(summary).toMatchObject({ read: 2, rejected: 0 });
});

test('serve on a busy port: one sentence with the --port and PORT hint, exit 2', async () => {
  const busy = net.createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  const port = (busy.address() as net.AddressInfo).port;
  try {
    const { code, stdout, stderr } = await run(['serve', '--port', String(port), '--host', '127.0.0.1']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expectOneSentence(stderr, new RegExp(`^harbour serve: port ${port} on 127\\.0\\.0\\.1 is already in use .*--port N or PORT=N\\.$`));
  } finally {
    busy.close();
  }
}, 120_000);

test('harbour sar: an unknown record is one sentence, exit 2; a known one writes sar.json and sar.html', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'harbour-sar-'));
  const unknown = await run(['sar', '--agency', 'LA-886', '--local-id', 'C886-NOSUCH', '--out', out]);
  expect(unknown.code).toBe(2);
  expectOneSentence(unknown.stderr, /^harbour sar: LA-886 holds no record "C886-NOSUCH"\.$/);
  // The child the folder sync above loaded.
  const known = await run(['sar', '--agency', 'LA-901', '--local-id', 'C901-0001', '--out', out]);
  expect(known.stderr).toBe('');
  expect(known.code).toBe(0);
  const sar = JSON.parse(fs.readFileSync(path.join(out, 'sar.json'), 'utf8')) as { records: { heldBy: string }[] };
  expect(sar.records.map((r) => r.heldBy)).toEqual(['LA-901']);
  expect(fs.readFileSync(path.join(out, 'sar.html'), 'utf8')).toContain('Subject access');
});

test('a statement the database refuses is one sentence with its SQLSTATE, never PostgreSQL’s own text (which can quote a value), exit 1', async () => {
  // The hub's runtime role may not create the scratch schema a dedupe works in.
  const { code, stderr } = await run(['match', 'dedupe', '--json']);
  expect(code).toBe(1);
  expectOneSentence(stderr, /^harbour: the database refused a statement \(SQLSTATE 42501\)/);
  expect(stderr).not.toMatch(/permission denied/);
});
