/**
 * The match scenario: `harbour match link` on two generated person-record CSVs of `records` rows
 * each (seeded, half the right file rewritten left persons: bench/persons.ts), run as the real
 * CLI in a child process through the bin's shebang (its 384 MB heap): wall time and the child's
 * peak resident memory (VmHWM from /proc, polled; no extra tools) — target under 500 MB.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../src/gateway/compose';
import { writePersonFiles } from './persons';

export interface MatchResult {
  scenario: string;
  records_per_file: number;
  candidate_pairs: number;
  pairs: number;
  wall_s: number;
  /** null where /proc is not there to read. */
  peak_rss_mb: number | null;
  target_peak_rss_mb: number;
}

function peakRss(pid: number): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined; // gone, or no /proc
  }
}

export async function matchScenario(databaseUrl: string, records: number, seed: number, say: (m: string) => void): Promise<MatchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harbour-bench-match-'));
  try {
    const left = path.join(dir, 'left.csv');
    const right = path.join(dir, 'right.csv');
    writePersonFiles({ records, seed, left, right });
    say(`match: harbour match link on ${records} x ${records} person records`);
    const started = performance.now();
    const child = spawn(path.join(projectRoot(), 'bin', 'harbour.js'), ['match', 'link', left, right, '--out', path.join(dir, 'out.csv')], {
      env: { ...process.env, DATABASE_URL: databaseUrl, HARBOUR_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-20_000)));
    let peak: number | undefined;
    const poll = setInterval(() => (peak = peakRss(child.pid!) ?? peak), 100);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (c) => resolve(c));
    });
    clearInterval(poll);
    const wall = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`bench: harbour match link exited ${code}:\n${stderr}`);
    const summary = /(\d+) pairs graded possible or better written to .* \((\d+) candidate pairs scored/.exec(stderr);
    return {
      scenario: 'match/link-peak-rss',
      records_per_file: records,
      candidate_pairs: Number(summary?.[2] ?? 0),
      pairs: Number(summary?.[1] ?? 0),
      wall_s: Math.round(wall * 10) / 10,
      peak_rss_mb: peak === undefined ? null : Math.round(peak / 2 ** 20),
      target_peak_rss_mb: 500,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
