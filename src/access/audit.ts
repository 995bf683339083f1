/**
 * The audit of disclosures: every decision of a request appended in one call of `audit.append`,
 * which runs as the `harbour_audit_writer` role (it may insert the content columns and read,
 * nothing else), before the response is sent. The hub MACs each event's content with the audit
 * key, which the database never holds; the chain (sequence, time, hashes) is assigned by the
 * table's trigger and folds the MAC in. This module recomputes both for `harbour audit verify`:
 * a row rewritten (even with the chain recomputed after it) or appended without the key fails
 * its MAC; a deleted tail or a chain renumbered after a deletion fails against a checkpoint.
 */
import { createHash, createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db';
import type { Logger } from '../log';
import type { RecordedDecision } from './decisions';
import { claimedAgency, type Principal } from './principal';
import { isUuid } from '../ids';

/** The content the hub supplies for one event: what its MAC covers. */
export interface AuditContent {
  request_id: string;
  sub: string;
  agency: string;
  roles: readonly string[];
  person_id: string | null;
  category: string;
  /** JSON: the client paths the decision governed. */
  paths: string;
  outcome: string;
  basis_kind: string | null;
  basis_id: string | null;
}

/**
 * One field of a canonical text: its length in UTF-8 bytes, a colon and the value; `-` for null.
 * A reader always knows where a field ends, so no value can run into the next (`audit.field`).
 */
export function field(value: string | null): string {
  return value === null ? '-' : `${Buffer.byteLength(value, 'utf8')}:${value}`;
}

function contentText(e: AuditContent): string {
  return [e.request_id, e.sub, e.agency, e.roles.map(field).join(''), e.person_id, e.category, e.paths, e.outcome, e.basis_kind, e.basis_id].map(field).join('');
}

/** HMAC-SHA256 of an event's content under the audit key; the label keeps it apart from a checkpoint's. */
export function eventMac(key: Buffer, e: AuditContent): Buffer {
  return createHmac('sha256', key).update(field('harbour audit event') + contentText(e), 'utf8').digest();
}

/** The basis a release relied on, or a recorded change made or ended; none for a withholding. */
const basisOf = (d: RecordedDecision['decision']) => (d.kind === 'WITHHELD' ? undefined : d.basis);
const basisIdOf = (d: RecordedDecision['decision']) => (d.kind === 'WITHHELD' ? undefined : d.basisId);

/** Who an event names: a person's principal, or harbour itself for its own work (a retention run), which has no agency kind. */
export type AuditActor = Pick<Principal, 'sub' | 'agency' | 'roles'>;

export async function appendAudit(db: Db, key: Buffer, requestId: string, principal: AuditActor, recorded: readonly RecordedDecision[]): Promise<void> {
  if (recorded.length === 0) return;
  // One row per decision, with every client path it governed, in the order first made.
  const decisions = new Map<string, { personId: string; category: string; decision: RecordedDecision['decision']; paths: RecordedDecision['path'][] }>();
  for (const { personId, category, path, decision } of recorded) {
    const id = `${personId}\u0000${category}\u0000${decision.kind}\u0000${basisOf(decision) ?? ''}\u0000${basisIdOf(decision) ?? ''}`;
    const entry = decisions.get(id);
    if (entry) entry.paths.push(path);
    else decisions.set(id, { personId, category, decision, paths: [path] });
  }
  const columns: (string | null)[][] = [[], [], [], [], [], []];
  const macs: Buffer[] = [];
  for (const { personId, category, decision, paths } of decisions.values()) {
    const event: AuditContent = {
      request_id: requestId, sub: principal.sub, agency: claimedAgency(principal), roles: principal.roles,
      // As PostgreSQL reads it back: a uuid is lower case.
      person_id: isUuid(personId) ? personId.toLowerCase() : null,
      category,
      paths: JSON.stringify(paths),
      outcome: decision.kind,
      basis_kind: basisOf(decision) ?? null,
      basis_id: basisIdOf(decision) ?? null,
    };
    [event.person_id, event.category, event.paths, event.outcome, event.basis_kind, event.basis_id].forEach((value, i) => columns[i]!.push(value));
    macs.push(eventMac(key, event));
  }
  // One round trip; `audit.append` runs as the audit role (see the access migration).
  await db.query(
    `select audit.append($1, $2, $3, $4::text[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bytea[])`,
    [requestId, principal.sub, claimedAgency(principal), principal.roles, ...columns, macs],
  );
}

export interface AuditRow extends AuditContent {
  seq: string;
  at: Date;
  roles: string[];
  /** Null only on rows written before the keyed rule (migration AuditKeyed1765186400000). */
  mac: Buffer | null;
  prev_hash: Buffer;
  hash: Buffer;
}

export const GENESIS = Buffer.alloc(32);

/** The row's canonical text, exactly as the chain trigger hashes it (`audit.canonical`). */
export function canonical(row: AuditRow): string {
  return field(row.seq) + field(row.at.toISOString()) + contentText(row);
}

/** sha256(previous hash ‖ canonical text ‖ MAC), as `audit.chain` computes it. */
export function rowHash(prev: Buffer, row: AuditRow & { mac: Buffer }): Buffer {
  return createHash('sha256').update(prev).update(canonical(row), 'utf8').update(row.mac).digest();
}

/** The rule of rows written before the keyed one: fields joined with \x1f, which a value may hold. */
function unkeyedHash(prev: Buffer, row: AuditRow): Buffer {
  const text = [row.seq, row.at.toISOString(), row.request_id, row.sub, row.agency, row.roles.join(','), row.person_id ?? '', row.category, row.paths, row.outcome, row.basis_kind ?? '', row.basis_id ?? ''].join('\x1f');
  return createHash('sha256').update(prev).update(text, 'utf8').digest();
}

/**
 * A checkpoint: the chain's head (sequence number and hash) at a time, signed with the audit key
 * and kept outside the database (a file the DPO keeps, a log line another system stores). Rows
 * removed from the end, or a chain renumbered and recomputed after a deletion, no longer reach it.
 */
export interface Checkpoint {
  seq: string;
  /** The head row's hash, hex (32 zero bytes before the first row). */
  hash: string;
  at: string;
  /** HMAC-SHA256 of the above under the audit key, hex. */
  mac: string;
}

/** A checkpoint as read from a file: its line, for the sentence that names it. */
export interface FiledCheckpoint extends Checkpoint {
  line: number;
}

function checkpointMac(key: Buffer, c: Omit<Checkpoint, 'mac'>): string {
  return createHmac('sha256', key).update(field('harbour audit checkpoint') + field(c.seq) + field(c.hash) + field(c.at), 'utf8').digest('hex');
}

export function checkpointSigned(key: Buffer, c: Checkpoint): boolean {
  return checkpointMac(key, c) === c.mac;
}

export async function takeCheckpoint(db: Db, key: Buffer): Promise<Checkpoint> {
  const [head] = await db.query<{ seq: string; hash: Buffer }>(`select e.seq::text as seq, e.hash from audit.event e order by e.seq desc limit 1`);
  const body = { seq: head?.seq ?? '0', hash: (head?.hash ?? GENESIS).toString('hex'), at: new Date().toISOString() };
  return { ...body, mac: checkpointMac(key, body) };
}

/** Append one checkpoint line (JSON) to `file`, readable by its owner only. */
export function appendCheckpoint(file: string, checkpoint: Checkpoint): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, `${JSON.stringify(checkpoint)}\n`, { mode: 0o600 });
}

/** Every checkpoint in `file`; a line that is not one is an error naming the line. */
export function readCheckpoints(file: string): FiledCheckpoint[] {
  const text = fs.readFileSync(file, 'utf8');
  return text.split('\n').flatMap((raw, i) => {
    if (raw.trim() === '') return [];
    let c: Partial<Record<keyof Checkpoint, unknown>> | undefined;
    try {
      c = JSON.parse(raw) as typeof c;
    } catch {
      // reported below
    }
    if (typeof c?.seq !== 'string' || !/^\d+$/.test(c.seq) || typeof c.hash !== 'string' || typeof c.at !== 'string' || typeof c.mac !== 'string') {
      throw new Error(`${file} line ${i + 1} is not a checkpoint: expected {"seq", "hash", "at", "mac"}`);
    }
    return [{ seq: c.seq, hash: c.hash, at: c.at, mac: c.mac, line: i + 1 }];
  });
}

/**
 * Write a checkpoint to `file` and the log every `seconds` while the chain's head moves, and once
 * more when stopped. A failure is logged and tried again at the next interval.
 */
export function startCheckpoints(db: Db, key: Buffer, file: string, seconds: number, log: Logger): { stop(): Promise<void> } {
  let lastSeq: string | undefined;
  const write = async () => {
    try {
      const checkpoint = await takeCheckpoint(db, key);
      if (checkpoint.seq === lastSeq) return;
      appendCheckpoint(file, checkpoint);
      lastSeq = checkpoint.seq;
      log.info({ checkpoint }, 'audit checkpoint');
    } catch (error) {
      log.error({ errorName: (error as Error).name, code: (error as NodeJS.ErrnoException).code }, 'audit checkpoint failed');
    }
  };
  let running = write();
  const timer = setInterval(() => {
    running = running.then(write);
  }, seconds * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
      await write();
    },
  };
}

export interface VerifyResult {
  /** Events that verify: all of them when nothing is wrong. */
  rows: number;
  /** Of those, events written before the keyed rule, which only the unkeyed chain vouches for. */
  unkeyed: number;
  /** Checkpoints the chain agrees with. */
  checkpoints: number;
  /** The first sequence number that does not verify. */
  brokenAt?: string;
  problem?: string;
}

function taken(c: FiledCheckpoint): string {
  return `checkpoint line ${c.line} (taken ${c.at}, sequence ${c.seq})`;
}

/**
 * Recompute the whole chain, a page at a time: each row's link, hash and MAC, and its hash against
 * every checkpoint taken at its sequence number. A checkpoint beyond the last row means the end of
 * the audit was removed.
 */
export async function verifyAudit(db: Db, key: Buffer, options: { checkpoints?: readonly FiledCheckpoint[]; pageSize?: number } = {}): Promise<VerifyResult> {
  const { checkpoints = [], pageSize = 20_000 } = options;
  const forged = checkpoints.find((c) => !checkpointSigned(key, c));
  if (forged) return { rows: 0, unkeyed: 0, checkpoints: 0, problem: `${taken(forged)} is not signed with the audit key` };
  const bySeq = new Map<bigint, FiledCheckpoint[]>();
  for (const c of checkpoints) bySeq.set(BigInt(c.seq), [...(bySeq.get(BigInt(c.seq)) ?? []), c]);
  let prev: Buffer = GENESIS;
  let expected = 1n;
  let keyed = false;
  const result: VerifyResult = { rows: 0, unkeyed: 0, checkpoints: 0 };
  const against = (seq: bigint, hash: Buffer): string | undefined => {
    for (const c of bySeq.get(seq) ?? []) {
      if (c.hash !== hash.toString('hex')) return `it differs from ${taken(c)}: the chain was rewritten up to here`;
      result.checkpoints += 1;
    }
    return undefined;
  };
  const broken = (seq: bigint, problem: string): VerifyResult => ({ ...result, brokenAt: seq.toString(), problem });
  const atGenesis = against(0n, GENESIS);
  if (atGenesis) return broken(0n, atGenesis);
  for (;;) {
    const page = await db.query<AuditRow>(
      // Ordered by the bigint column, not the text it is read as.
      `select e.seq::text as seq, e.at, e.request_id, e.sub, e.agency, e.roles, e.person_id, e.category, e.paths, e.outcome, e.basis_kind, e.basis_id, e.mac, e.prev_hash, e.hash
         from audit.event e where e.seq >= $1 order by e.seq limit $2`,
      [expected.toString(), pageSize],
    );
    for (const row of page) {
      if (BigInt(row.seq) !== expected) return broken(expected, `sequence ${expected} is missing`);
      if (!row.prev_hash.equals(prev)) return broken(expected, 'its link to the previous row does not match');
      const { mac } = row;
      if (mac === null) {
        if (keyed) return broken(expected, 'it has no MAC, yet comes after keyed events: the hub did not write it');
        if (!unkeyedHash(prev, row).equals(row.hash)) return broken(expected, 'its content does not match its hash');
        result.unkeyed += 1;
      } else {
        keyed = true;
        if (!rowHash(prev, { ...row, mac }).equals(row.hash)) return broken(expected, 'its content does not match its hash');
        if (!eventMac(key, row).equals(mac)) return broken(expected, 'its MAC does not match its content: it was not written with this audit key');
      }
      const differs = against(expected, row.hash);
      if (differs) return broken(expected, differs);
      prev = row.hash;
      expected += 1n;
      result.rows += 1;
    }
    if (page.length < pageSize) break;
  }
  const beyond = checkpoints.find((c) => BigInt(c.seq) >= expected);
  if (beyond) return broken(expected, `the audit ends at sequence ${expected - 1n}, but ${taken(beyond)} saw more: events were removed from the end`);
  return result;
}

/**
 * Who this connection is, if it could alter the audit behind its triggers: a superuser (or a member
 * of one) may set `session_replication_role`, the owner of `audit.event` may disable its triggers.
 * Undefined for a role like `harbour_app`, which can do neither.
 */
export async function auditAlterableAs(db: Db): Promise<'a superuser' | 'the owner of audit.event' | undefined> {
  const [row] = await db.query<{ superuser: boolean; owner: boolean }>(
    `select exists (select from pg_roles r where r.rolsuper and pg_has_role(current_user, r.oid, 'MEMBER')) as superuser,
            pg_has_role(current_user, c.relowner, 'MEMBER') as owner
       from pg_class c where c.oid = 'audit.event'::regclass`,
  );
  return row!.superuser ? 'a superuser' : row!.owner ? 'the owner of audit.event' : undefined;
}
