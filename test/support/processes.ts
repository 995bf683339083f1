/** Real harbour processes for tests: `node bin/harbour.js …`, stopped at the end. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/harbour.js');

export function assertBuilt(): void {
  if (!fs.existsSync(path.join(ROOT, 'dist/src/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does) before these tests');
}

export interface HarbourProcess {
  child: ChildProcess;
  /** stdout and stderr as they arrived. */
  output: () => string;
  /** stdout alone. */
  stdout: () => string;
  /** stderr alone. */
  stderr: () => string;
  /** Resolves with the first stdout match of `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * `node bin/harbour.js …` as a user runs it: without jest's NODE_ENV=test (libraries change their
 * behaviour under it: Apollo, for one, leaves termination signals alone then).
 */
const running = new Set<ChildProcess>();

/** Kill every harbour process a test file started and has not seen exit (a failed test leaves them). */
export function killStragglers(): void {
  for (const child of running) child.kill('SIGKILL');
}

export function harbour(args: string[], env: Record<string, string | undefined>): HarbourProcess {
  const merged: Record<string, string | undefined> = { ...process.env, NODE_ENV: undefined, JEST_WORKER_ID: undefined, HARBOUR_LOG_LEVEL: 'warn', ...env };
  const childEnv = Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined));
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    stdout += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => {
    out += c.toString();
    stderr += c.toString();
  });
  running.add(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    running.delete(child);
    resolve(code);
  }));
  return {
    child,
    output: () => out,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const poll = () => {
          const match = pattern.exec(out);
          if (match) return resolve(match);
          if (child.exitCode !== null) return reject(new Error(`harbour ${args.join(' ')} exited ${child.exitCode}:\n${out}`));
          if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${pattern} from harbour ${args.join(' ')}:\n${out}`));
          setTimeout(poll, 50);
        };
        poll();
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
