/**
 * The embedded PostgreSQL as a user meets it, with real processes run as a user runs them (not
 * under jest's NODE_ENV): a fresh home is initialised and migrated, the demo survives a restart,
 * SIGTERM and SIGINT stop the database cleanly, and a server orphaned by SIGKILL is adopted by the
 * next start alone: later commands on the same home leave it to its owner.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { Client } from 'pg';
import { postGraphQL } from './support/hub';
import { assertBuilt, harbour, killStragglers, ROOT } from './support/processes';

const home = path.join(ROOT, '.harbour', `lifecycle-${randomBytes(4).toString('hex')}`);
const env = { HARBOUR_HOME: home, DATABASE_URL: '', HARBOUR_ENV: 'development' };

function pidOfServer(): number | undefined {
  try {
    return Number(fs.readFileSync(path.join(home, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number | undefined, ms = 20_000): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; ) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !alive(pid);
}

/**
 * A token exactly as the README gets one: `npx harbour token …` from the project root. Got once:
 * the synchronous call blocks the event loop, and a fetch right after it could reuse a keep-alive
 * socket the hub had already closed ("other side closed") before the client's idle timer dropped it.
 */
let readmeToken: string | undefined;
function token(): string {
  return (readmeToken ??= execFileSync('npx', ['harbour', 'token', '--agency', 'LA-886', '--kind', 'CHILDRENS_SERVICES', '--role', 'CASEWORKER', '--sub', 'alice'], {
    cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
  }).trim());
}

/** The README's example request body, as printed there. */
function readmeExample(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const body = /-d '(\{"query":.*\})'/.exec(readme)?.[1];
  if (!body) throw new Error('README.md has no example query');
  return body;
}

async function serveDemo() {
  const server = harbour(['serve', '--demo', '--port', '0'], env);
  const url = (await server.waitFor(/harbour listening on (\S+)/, 90_000))[1]!;
  // Said when it is true: the server answers ready, with the demo loaded.
  expect((await fetch(url.replace(/\/graphql$/, '/ready'))).status).toBe(200);
  const personId = (await server.waitFor(/person\(id: \\"([0-9a-f-]{36})\\"/))[1]!;
  return { server, url, personId };
}

/** The roles harbour's pool is connected as, asked of the server as its superuser. */
async function connectedRoles(): Promise<string[]> {
  const { password } = JSON.parse(fs.readFileSync(path.join(home, 'pg-credentials.json'), 'utf8')) as { password: string };
  const port = fs.readFileSync(path.join(home, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3];
  const client = new Client({ connectionString: `postgres://harbour:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres` });
  await client.connect();
  try {
    return (await client.query<{ role: string }>(`select distinct usename as role from pg_stat_activity where application_name in ('harbour', 'harbour-requests') and datname = 'harbour'`)).rows.map((r) => r.role);
  } finally {
    await client.end();
  }
}

async function identitiesOf(url: string, personId: string): Promise<string[]> {
  const response = await postGraphQL(url, { query: `{ person(id: "${personId}") { identities { agency } } }` }, { authorization: `Bearer ${token()}` });
  return (response.body.data as { person: { identities: { agency: string }[] } }).person.identities.map((i) => i.agency).sort();
}

beforeAll(() => assertBuilt());
afterAll(async () => {
  killStragglers();
  // A server a failed test left behind is stopped with its home.
  const pid = pidOfServer();
  if (alive(pid)) process.kill(pid!, 'SIGINT');
  await gone(pid);
  fs.rmSync(home, { recursive: true, force: true });
});

test('a fresh home is initialised and migrated by `harbour migrate`; a second run has nothing to do', async () => {
  const first = harbour(['migrate'], env);
  expect(await first.exited).toBe(0);
  expect(first.output()).toMatch(/applied: Foundation/);
  expect(fs.existsSync(path.join(home, 'pg', 'PG_VERSION'))).toBe(true);
  const second = harbour(['migrate'], env);
  expect(await second.exited).toBe(0);
  expect(second.output()).toMatch(/the database is up to date/);
  expect(pidOfServer()).toBeUndefined(); // the command stopped the server it started
}, 120_000);

test('the demo survives a restart; SIGTERM and SIGINT stop the database cleanly', async () => {
  const first = await serveDemo();
  expect(await identitiesOf(first.url, first.personId)).toEqual(['HO', 'LA-886', 'LA-886']); // the Home Office record joins on arrival: the LA holds its Home Office reference
  // The hub connects as its runtime role, never as the superuser that owns the data.
  expect(await connectedRoles()).toEqual(['harbour_app']);
  const names = await postGraphQL(first.url, { query: `{ person(id: "${first.personId}") { identities { names { given } } } }` }, { authorization: `Bearer ${token()}` });
  expect(names.body.errors).toBeUndefined(); // disclosed, so audited
  const pid = pidOfServer();
  expect(alive(pid)).toBe(true);
  expect(await first.server.stop('SIGTERM')).toBe(0);
  expect(await gone(pid)).toBe(true);
  // It kept signed checkpoints of the audit outside the database, the last at shutdown.
  const verified = harbour(['audit', 'verify', '--json', '--checkpoint', path.join(home, 'audit-checkpoints.jsonl')], env);
  expect(await verified.exited).toBe(0);
  const result = JSON.parse(verified.stdout()) as { ok: boolean; rows: number; checkpoints: number };
  const last = fs.readFileSync(path.join(home, 'audit-checkpoints.jsonl'), 'utf8').trim().split('\n').at(-1)!;
  expect(result).toMatchObject({ ok: true, rows: expect.any(Number), checkpoints: 2 });
  expect(result.rows).toBeGreaterThan(0);
  expect(JSON.parse(last)).toMatchObject({ seq: String(result.rows) });

  const second = await serveDemo();
  expect(second.personId).toBe(first.personId);
  // The README's example, verbatim, with a token from `npx harbour token`.
  const example = await fetch(second.url, { method: 'POST', headers: { authorization: `Bearer ${token()}`, 'content-type': 'application/json' }, body: readmeExample() });
  const answer = (await example.json()) as { data: { me: { agency: string }; personBySourceRecord: { id: string; care: { placements: { postcode: string }[] } } }; errors?: unknown };
  expect(answer.errors).toBeUndefined();
  expect(answer.data.me).toEqual({ agency: 'LA-886' });
  expect(answer.data.personBySourceRecord.id).toBe(first.personId);
  expect(answer.data.personBySourceRecord.care.placements[0]!.postcode).toMatch(/^ZZ\d+ \dQX$/);
  expect(await identitiesOf(second.url, second.personId)).toEqual(['HO', 'LA-886', 'LA-886']); // the Home Office record joins on arrival: the LA holds its Home Office reference
  const pid2 = pidOfServer();
  expect(await second.server.stop('SIGINT')).toBe(0);
  expect(await gone(pid2)).toBe(true);
}, 180_000);

test('after SIGKILL the orphaned database is adopted by the next start, left alone by every later command, and stopped with its owner', async () => {
  const killed = await serveDemo();
  const pid = pidOfServer();
  await killed.server.stop('SIGKILL');
  expect(alive(pid)).toBe(true); // PostgreSQL outlives its killed parent

  const next = await serveDemo();
  expect(next.personId).toBe(killed.personId);
  expect(await identitiesOf(next.url, next.personId)).toEqual(['HO', 'LA-886', 'LA-886']); // the Home Office record joins on arrival: the LA holds its Home Office reference
  // Commands on the same home attach to the database the hub now owns, and never stop it.
  for (const args of [['audit', 'verify'], ['migrate']]) {
    const command = harbour(args, env);
    expect(await command.exited).toBe(0);
  }
  expect(alive(pid)).toBe(true);
  expect(await identitiesOf(next.url, next.personId)).toEqual(['HO', 'LA-886', 'LA-886']);
  expect(await next.server.stop('SIGTERM')).toBe(0);
  expect(await gone(pid)).toBe(true);
}, 180_000);
