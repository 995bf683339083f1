/**
 * The audit of disclosures: every decision of a request appended in one call of `audit.append`,
 * which runs as the `harbour_audit_writer` role (it may insert the content columns and read,
 * nothing else), before the response is sent. The chain (sequence, time, hashes) is assigned by the table's trigger; this
 * module recomputes it for `harbour audit verify`.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db';
import type { RecordedDecision } from './decisions';
import { claimedAgency, type Principal } from './principal';
import { isUuid } from '../ids';


/** The basis a release relied on, or a recorded change made or ended; none for a withholding. */
const basisOf = (d: RecordedDecision['decision']) => (d.kind === 'WITHHELD' ? undefined : d.basis);
const basisIdOf = (d: RecordedDecision['decision']) => (d.kind === 'WITHHELD' ? undefined : d.basisId);

export async function appendAudit(db: Db, requestId: string, principal: Principal, recorded: readonly RecordedDecision[]): Promise<void> {
  if (recorded.length === 0) return;
  // One row per decision, with every client path it governed, in the order first made.
  const decisions = new Map<string, { personId: string; category: string; decision: RecordedDecision['decision']; paths: RecordedDecision['path'][] }>();
  for (const { personId, category, path, decision } of recorded) {
    const key = `${personId}\u0000${category}\u0000${decision.kind}\u0000${basisOf(decision) ?? ''}\u0000${basisIdOf(decision) ?? ''}`;
    const entry = decisions.get(key);
    if (entry) entry.paths.push(path);
    else decisions.set(key, { personId, category, decision, paths: [path] });
  }
  const columns: (string | null)[][] = [[], [], [], [], [], []];
  for (const { personId, category, decision, paths } of decisions.values()) {
    columns[0]!.push(isUuid(personId) ? personId : null);
    columns[1]!.push(category);
    columns[2]!.push(JSON.stringify(paths));
    columns[3]!.push(decision.kind);
    columns[4]!.push(basisOf(decision) ?? null);
    columns[5]!.push(basisIdOf(decision) ?? null);
  }
  // One round trip; `audit.append` runs as the audit role (see the access migration).
  await db.query(
    `select audit.append($1, $2, $3, $4::text[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])`,
    [requestId, principal.sub, claimedAgency(principal), principal.roles, ...columns],
  );
}

export interface AuditRow {
  seq: string;
  at: Date;
  request_id: string;
  sub: string;
  agency: string;
  roles: string[];
  person_id: string | null;
  category: string;
  /** JSON: the client paths the decision governed. */
  paths: string;
  outcome: string;
  basis_kind: string | null;
  basis_id: string | null;
  prev_hash: Buffer;
  hash: Buffer;
}

export const GENESIS = Buffer.alloc(32);

/** The row's canonical text, exactly as the chain trigger (`audit.chain`) hashes it. */
export function canonical(row: AuditRow): string {
  return [row.seq, row.at.toISOString(), row.request_id, row.sub, row.agency, row.roles.join(','), row.person_id ?? '', row.category, row.paths, row.outcome, row.basis_kind ?? '', row.basis_id ?? ''].join('\x1f');
}

export function rowHash(prev: Buffer, row: AuditRow): Buffer {
  return createHash('sha256').update(prev).update(canonical(row), 'utf8').digest();
}

export interface VerifyResult {
  rows: number;
  /** The first sequence number whose row or link does not verify. */
  brokenAt?: string;
  problem?: string;
}

/** Recompute the whole chain, a page at a time. */
export async function verifyAudit(db: Db, pageSize = 20_000): Promise<VerifyResult> {
  let prev: Buffer = GENESIS;
  let expected = 1n;
  let rows = 0;
  for (;;) {
    const page = await db.query<AuditRow>(
      // Ordered by the bigint column, not the text it is read as.
      `select e.seq::text as seq, e.at, e.request_id, e.sub, e.agency, e.roles, e.person_id, e.category, e.paths, e.outcome, e.basis_kind, e.basis_id, e.prev_hash, e.hash
         from audit.event e where e.seq >= $1 order by e.seq limit $2`,
      [expected.toString(), pageSize],
    );
    for (const row of page) {
      if (BigInt(row.seq) !== expected) return { rows, brokenAt: expected.toString(), problem: `sequence ${expected} is missing` };
      if (!row.prev_hash.equals(prev)) return { rows, brokenAt: row.seq, problem: 'its link to the previous row does not match' };
      const hash = rowHash(prev, row);
      if (!hash.equals(row.hash)) return { rows, brokenAt: row.seq, problem: 'its content does not match its hash' };
      prev = hash;
      expected += 1n;
      rows += 1;
    }
    if (page.length < pageSize) return { rows };
  }
}
