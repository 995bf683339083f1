/**
 * access/audit-throughput: decisions appended per second by 8 concurrent writers, each writing
 * request-sized batches through the hub's own `appendAudit` (audit role, chain trigger, advisory
 * lock), against the same rows inserted by 8 writers into a plain table with the same columns and
 * no chain. Target ≥ 5000 decisions/s.
 */
import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import { appendAudit, claimedAgency, type Decision } from '../src/access';
import type { DataCategory } from '../src/access';
import type { Db } from '../src/db';

export interface AuditResult {
  scenario: string;
  baseline: string;
  writers: number;
  batch: number;
  decisions: number;
  decisions_per_s: number;
  baseline_decisions_per_s: number;
  ratio: number;
  target_decisions_per_s: number;
}

const WRITERS = 8;
const BATCH = 25;

export async function auditScenario(db: Db, pool: Pool, personIds: readonly string[], batchesPerWriter: number, say: (m: string) => void): Promise<AuditResult> {
  say(`audit: ${WRITERS} concurrent writers × ${batchesPerWriter} requests of ${BATCH} decisions`);
  const principal = { sub: 'bench-audit', agency: 'POLICE-KENT', agencyKind: 'POLICE' as const, roles: ['OFFICER' as const] };
  const categories = ['IDENTITY', 'IDENTIFIERS', 'CONTACT', 'MISSING', 'LOCATION'] as DataCategory[];
  const batchFor = (w: number, i: number) => Array.from({ length: BATCH }, (_, k) => ({
    // A person per decision, so that each is a row of its own (the hub folds the paths of one decision into one row).
    personId: personIds[((w * batchesPerWriter + i) * BATCH + k) % personIds.length]!,
    category: categories[k % categories.length]!,
    path: ['person', 'identities', k, 'names'],
    decision: (k % 3 === 0 ? { kind: 'WITHHELD', releasableWith: ['CONSENT', 'JUSTIFICATION'] } : { kind: 'RELEASED', basis: 'AGREEMENT' }) as Decision,
  }));
  const timed = async (write: (w: number, i: number) => Promise<unknown>) => {
    const started = performance.now();
    await Promise.all(Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; i < batchesPerWriter; i++) await write(w, i);
    }));
    return (WRITERS * batchesPerWriter * BATCH) / ((performance.now() - started) / 1000);
  };

  await pool.query(`create table if not exists public.bench_audit_plain (like audit.event including defaults)`);
  await pool.query(`alter table public.bench_audit_plain alter seq drop not null, alter at set default now(), alter prev_hash drop not null, alter hash drop not null`);
  await pool.query(`truncate public.bench_audit_plain`);
  const plain = (w: number, i: number) => {
    const rows = batchFor(w, i);
    return pool.query(
      `insert into public.bench_audit_plain (request_id, sub, agency, roles, person_id, category, paths, outcome, basis_kind)
       select $1, $2, $3, $4::text[], t.p::uuid, t.c, t.pa, t.o, t.bk from unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::text[]) as t (p, c, pa, o, bk)`,
      [`b-${w}-${i}`, principal.sub, claimedAgency(principal), principal.roles, rows.map((r) => r.personId), rows.map((r) => r.category), rows.map((r) => JSON.stringify([r.path])),
        rows.map((r) => r.decision.kind), rows.map((r) => (r.decision.kind === 'RELEASED' ? r.decision.basis : null))],
    );
  };
  await timed(plain); // warm-up
  await timed((w, i) => appendAudit(db, `w-${w}-${i}`, principal, batchFor(w, i)));
  // Alternate the two, three rounds, and keep the median of each.
  const audited: number[] = [];
  const bare: number[] = [];
  for (let round = 0; round < 3; round++) {
    bare.push(await timed(plain));
    audited.push(await timed((w, i) => appendAudit(db, `r${round}-${w}-${i}`, principal, batchFor(w, i))));
  }
  await pool.query(`drop table public.bench_audit_plain`);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return {
    scenario: 'access/audit-throughput',
    baseline: 'the same rows into a plain table, no chain (8 writers)',
    writers: WRITERS,
    batch: BATCH,
    decisions: WRITERS * batchesPerWriter * BATCH,
    decisions_per_s: Math.round(median(audited)),
    baseline_decisions_per_s: Math.round(median(bare)),
    ratio: +(median(audited) / median(bare)).toFixed(2),
    target_decisions_per_s: 5000,
  };
}
