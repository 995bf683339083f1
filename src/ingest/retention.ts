/**
 * Retention: how long harbour keeps what it holds, from a policy file read and validated at start
 * like the sharing agreement (`config/retention.csv`, or HARBOUR_RETENTION_FILE). A record is kept
 * while its source holds it; the policy says how long after the source let go (a retracted record),
 * and how long a closed missing episode or found report is kept. `harbour retention run [--dry-run]`
 * applies it; `serve` runs it daily. Each chunk commits on its own, and what is due is chosen afresh
 * on every run, so a run killed midway is finished by the next with the same result.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { appendAudit, DataCategory, type AuditActor } from '../access';
import { projectRoot } from '../config/root';
import type { Db } from '../db';
import { FEEDS } from './feeds';
import { deleteWithDependants, purgeIdentities } from './purge';

export const RETENTION_KINDS = ['RETRACTED_RECORD', 'CLOSED_MISSING_EPISODE', 'FOUND_MISSING_REPORT'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

export interface RetentionPolicy {
  readonly version: string;
  readonly days: ReadonlyMap<RetentionKind, number>;
}

export class RetentionError extends Error {}

export const defaultRetentionFile = (): string => path.join(projectRoot(), 'config', 'retention.csv');

/** Read and check a policy file: `kind,days,note` rows; a fault names the file and line. */
export function readRetentionPolicy(file = defaultRetentionFile()): RetentionPolicy {
  const days = new Map<RetentionKind, number>();
  let version = '';
  fs.readFileSync(file, 'utf8').split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    const where = `${file} line ${i + 1}`;
    const v = /^#\s*version:\s*(\S+)/.exec(line);
    if (v) version = v[1]!;
    if (!line || line.startsWith('#') || /^kind,/.test(line)) return;
    const [kind, period] = line.split(',').map((x) => x.trim());
    if (!(RETENTION_KINDS as readonly string[]).includes(kind!)) throw new RetentionError(`${where}: unknown kind "${kind}"; use one of ${RETENTION_KINDS.join(', ')}`);
    if (!/^\d+$/.test(period ?? '')) throw new RetentionError(`${where}: days must be a whole number of days, 0 or more, not "${period ?? ''}"`);
    if (days.has(kind as RetentionKind)) throw new RetentionError(`${where}: ${kind} is given twice`);
    days.set(kind as RetentionKind, Number(period));
  });
  if (!version) throw new RetentionError(`${file}: no "# version:" line`);
  return { version, days };
}

export type RetentionCounts = Record<RetentionKind, number>;

/** The rows each kind would remove now: [table, id column, condition]. */
const DUE: Record<RetentionKind, [string, string]> = {
  RETRACTED_RECORD: ['identity.source_identity', `retracted_at < now() - make_interval(days => $1)`],
  CLOSED_MISSING_EPISODE: ['care.missing_episode', `ended_at < now() - make_interval(days => $1)`],
  FOUND_MISSING_REPORT: ['police.missing_report', `found_at < now() - make_interval(days => $1)`],
};

/** Harbour itself, applying the DPO's policy: what a run's audit event names. */
const RETENTION_ACTOR: AuditActor = { sub: 'harbour retention', agency: 'harbour', roles: ['SYSTEM'] };

export interface RetentionOptions {
  dryRun?: boolean;
  onProgress?: (kind: RetentionKind, done: number, total: number) => void;
  /**
   * The audit key: a run (not a dry run) is then recorded as one RECORDED event, on no child, with
   * the policy version in its request id and what each kind removed as its paths
   * (`["retention", kind, count]`): counts only, never a record's id or values.
   */
  auditKey?: Buffer;
  /** Rows a chunk (one transaction) removes. @default 500 */
  chunkSize?: number;
}

/** Apply the policy (or, with `dryRun`, count what it would remove), by kind. */
export async function runRetention(db: Db, policy: RetentionPolicy, options: RetentionOptions = {}): Promise<RetentionCounts> {
  const counts = Object.fromEntries(RETENTION_KINDS.map((k) => [k, 0])) as RetentionCounts;
  const chunk = options.chunkSize ?? 500;
  for (const [kind, days] of policy.days) {
    const [table, condition] = DUE[kind];
    const [{ n }] = (await db.query<{ n: number }>(`select count(*)::int as n from ${table} where ${condition}`, [days])) as [{ n: number }];
    if (options.dryRun || n === 0) {
      counts[kind] = n;
      continue;
    }
    // Records are taken in (agency, feed, id) order from where the last chunk ended, by the index
    // of retracted records: a chunk reads its own rows, not every one before it.
    let after: [agency: string, feed: string, id: string] | undefined;
    /** One chunk, in its transaction: the rows of `kind` it removed. */
    const retire = async (tx: Db): Promise<number> => {
      if (kind !== 'RETRACTED_RECORD') return deleteWithDependants(tx, table, 'id', `select id from ${table} where ${condition} order by id limit ${chunk}`, [days]);
      const due = await tx.query<{ id: string; person_id: string; local_id: string | null; agency: string; feed: string }>(
        `select id, person_id, local_id, agency, feed from ${table} where ${condition}${after ? ' and (agency, feed, id) > ($2, $3, $4::uuid)' : ''} order by agency, feed, id limit ${chunk}`,
        after ? [days, ...after] : [days]);
      const last = due[due.length - 1];
      if (last) after = [last.agency, last.feed, last.id];
      const groups = new Map<string, typeof due>();
      for (const r of due) {
        const source = `${r.agency}|${r.feed}`;
        const rows = groups.get(source);
        if (rows) rows.push(r);
        else groups.set(source, [r]);
      }
      for (const rows of groups.values()) await purgeIdentities(tx, rows[0]!.agency, FEEDS[rows[0]!.feed] ?? { feed: rows[0]!.feed, keyedRows: {} }, rows, `retention (${policy.version}): retracted at source more than ${days} days ago`);
      return due.length;
    };
    for (;;) {
      const done = await db.transaction(async (tx) => {
        // The suggestion queue is refreshed once, before the chunk commits, not by each of its
        // statements (migration QueueDeferred1766300000000).
        await tx.query(`select set_config('harbour.queue_deferred', 'on', true)`);
        const removed = await retire(tx);
        await tx.query(`select identity.flush_queue()`);
        return removed;
      });
      counts[kind] += done;
      options.onProgress?.(kind, counts[kind], n);
      if (done < chunk) break;
    }
  }
  if (options.auditKey && !options.dryRun) {
    // After the last chunk: a run killed midway records nothing, and the run that finishes its work
    // records what that run removed.
    await appendAudit(db, options.auditKey, `retention run ${randomUUID()} (policy ${policy.version})`, RETENTION_ACTOR,
      [...policy.days.keys()].map((kind) => ({ personId: '', category: DataCategory.IDENTITY, path: ['retention', kind, counts[kind]], decision: { kind: 'RECORDED' as const } })));
  }
  return counts;
}
