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
  output: () => string;
  /** Resolves with the first stdout match of `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function harbour(args: string[], env: Record<string, string | undefined>): HarbourProcess {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, HARBOUR_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
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
