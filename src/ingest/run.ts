/**
 * The ingest pipeline, the same for every feed and for the CLI and GraphQL push.
 *
 * Items are applied in batches, each in one transaction together with the run's counts, its
 * rejections and warnings, and its checkpoint (items done). A run killed at any point (SIGKILL
 * included) is resumed by running the same input again: the items before the checkpoint are
 * parsed but not re-applied, so the final state and counts are those of an uninterrupted run.
 * A run stopped by an error ends FAILED with a coded reason, and resumes the same way.
 * A full snapshot retracts only when it is whole (`IngestSummary.incompleteSnapshot`).
 * Unchanged records cost a hash comparison. `read = inserted + updated + unchanged + rejected +
 * purged` (records with the purge flag) holds in the database (a check constraint), batch by batch.
 * With purge-missing, a whole snapshot purges what it no longer holds instead of retracting it.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { DatabaseError } from 'pg';
import { NOT_WHOLE, type Item, type Keyed, type Position, type PurgeRecord, type Rejection, type Warning } from '../../connectors/kit/contract';
import type { Db } from '../db';
import { ErrorCode, HarbourError } from '../errors';
import type { Logger } from '../log';
import { DEFAULT_THRESHOLDS, type GradeThresholds } from '../matching';
import { MissingChildren } from '../resolution';
import { matchOnArrival } from './match';
import { noteCorrections, factDigests } from './correction';
import { feedAgencyRefusal, upsert, type FeedApplier } from './feed';
import { purgeIdentities } from './purge';

export interface IngestOptions {
  agency: string;
  files: string[];
  /**
   * The input is the agency's complete current set: what it no longer holds is retracted, when the
   * input is whole (see `incompleteSnapshot`).
   */
  full?: boolean;
  /**
   * With `full`: what the snapshot no longer holds was deleted at source, and is purged (as
   * `purgeRecords` does) rather than retracted; under the same rule, only when the input is whole.
   */
  purgeMissing?: boolean;
  /**
   * Called in the transaction of each batch (and of the run's end) that purged records, with the
   * children they belonged to: the caller audits the purge (ids only).
   */
  onPurged?: (tx: Db, personIds: readonly string[], runId: string) => Promise<void>;
  /** Items per transaction. @default 5000 */
  batchSize?: number;
  /** Called once the input is known: its line count (an upper bound on the items to read). */
  onStart?: (input: { lines: number; resumedAt: number }) => void;
  onProgress?: (progress: { read: number; rejected: number }) => void;
  /** Match grade thresholds for match on arrival (links, alerts). @default DEFAULT_THRESHOLDS */
  matchThresholds?: GradeThresholds;
}

export interface IngestSummary {
  runId: string;
  feed: string;
  agency: string;
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  retracted: number;
  /** Records purged: by their purge flag, or (purge-missing) gone from a whole snapshot. */
  purged: number;
  warnings: number;
  durationMs: number;
  resumed: boolean;
  /**
   * For a full snapshot that is not whole (no record accepted, or a NOT_WHOLE rejection or warning:
   * empty, cut off, not closed, a file not readable as a whole): why nothing was retracted (or purged).
   */
  incompleteSnapshot: string | null;
}

interface Counts { read: number; inserted: number; updated: number; unchanged: number; rejected: number; purged: number; warnings: number }

/**
 * The same input (feed, agency, --full, file names and bytes) has the same digest: that is what a
 * resume matches. The same pass counts lines, for the progress bar.
 */
async function inputDigest(feed: string, agency: string, full: boolean, purgeMissing: boolean, files: string[]): Promise<{ digest: string; lines: number }> {
  const hash = createHash('sha256').update(`${feed}\0${agency}\0${full}\0${purgeMissing ? 'purge-missing\0' : ''}`);
  let lines = 0;
  for (const file of files) {
    hash.update(`${path.basename(file)}\0`);
    for await (const chunk of createReadStream(file)) {
      hash.update(chunk as Buffer);
      for (let i = (chunk as Buffer).indexOf(10); i >= 0; i = (chunk as Buffer).indexOf(10, i + 1)) lines++;
    }
    hash.update('\0');
  }
  return { digest: hash.digest('hex'), lines };
}

const contentHash = (record: unknown) => createHash('sha256').update(JSON.stringify(record)).digest('base64url');

/**
 * A run of the same input that did not complete (killed, or FAILED) is resumed from its checkpoint,
 * unless a later run of the feed for the agency has completed since: its rows would then land on
 * newer ones with the rows before the checkpoint skipped, so the input starts again instead.
 */
async function startOrResume(db: Db, feed: string, agency: string, full: boolean, purgeMissing: boolean, digest: string) {
  const running = await db.query<{ id: string; checkpoint: number } & Counts>(
    `update ingest.run set phase = 'RUNNING', failure = null, finished_at = null
      where id = (select r.id from ingest.run r where r.feed = $1 and r.agency = $2 and r.input_digest = $3 and r.phase <> 'COMPLETED'
                     and not exists (select 1 from ingest.run later where later.feed = r.feed and later.agency = r.agency
                                        and later.phase = 'COMPLETED' and later.started_at > r.started_at)
                   order by r.started_at desc limit 1)
      returning id, checkpoint, read, inserted, updated, unchanged, rejected, purged, warnings`,
    [feed, agency, digest],
  );
  if (running[0]) return { ...running[0], resumed: true };
  const [created] = await db.query<{ id: string }>(
    `insert into ingest.run (feed, agency, full_snapshot, purge_missing, input_digest, phase) values ($1, $2, $3, $4, $5, 'RUNNING') returning id`,
    [feed, agency, full, purgeMissing, digest],
  );
  return { id: created!.id, checkpoint: 0, read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, purged: 0, warnings: 0, resumed: false };
}

/** An item waiting for its batch; a record's content hash is computed as it is read, while the previous batch is written. */
interface Pending<R extends Keyed> { ordinal: number; item: Item<R | PurgeRecord>; hash?: string }

const YIELD_EVERY = 100;

/** Where an issue is, by file and line or path: ids only, never a value. */
const where = (p: Position) => `${p.file}${p.line !== undefined ? ` line ${p.line}` : p.path ? ` at ${p.path}` : ''}`;

/** The NOT_WHOLE issue an item shows, if any: `missing.csv line 3: TRUNCATED`. */
function notWhole<R>(item: Item<R>): string | undefined {
  if (item.kind === 'rejection') return NOT_WHOLE.has(item.rejection.code) ? `${where(item.rejection)}: ${item.rejection.code}` : undefined;
  const warning = item.warnings.find((w) => NOT_WHOLE.has(w.code));
  return warning && `${where(item.position)}: ${warning.code}`;
}

/** PostgreSQL text holds no U+0000: a rejection's raw text or reason keeps it visible, escaped. */
const storable = (text: string | undefined) => text?.replaceAll('\0', '\\u0000') ?? null;

/** What stopped a run, coded, and said plainly (no system message: it may name files or values). */
function failureOf(error: unknown): { code: string; words: string } {
  if (typeof (error as NodeJS.ErrnoException).syscall === 'string') return { code: 'READ_FAILED', words: 'an input file could not be read' };
  if (error instanceof DatabaseError) return { code: 'DATABASE_FAILED', words: 'the database refused a write' };
  return { code: 'INTERNAL_ERROR', words: 'an unexpected error' };
}

/**
 * `firstLoad`: no other run has recorded state for this agency's feed, so every record is new
 * (a key cannot recur within one input: the connector rejects duplicates): the hash lookup is
 * skipped and every write is a plain insert (`upsert`). A second run of the same agency and
 * feed started meanwhile makes this one fail on a duplicate key; it ends FAILED and, run
 * again, resumes with the lookup (the other run's state then exists).
 */
async function applyBatch<R extends Keyed>(db: Db, applier: FeedApplier<R>, agency: string, runId: string, batch: Pending<R>[], done: number, firstLoad: boolean,
  matchBatch: (tx: Db) => Promise<unknown>, onPurged: IngestOptions['onPurged']): Promise<Counts> {
  return db.transaction(async (tx) => {
    const counts: Counts = { read: batch.length, inserted: 0, updated: 0, unchanged: 0, rejected: 0, purged: 0, warnings: 0 };
    const rejections: (Rejection & { ordinal: number })[] = [];
    const warnings: (Warning & { ordinal: number; file: string; line?: number; key: string })[] = [];
    const records: { record: R; kind: string; key: string; hash: string }[] = [];
    const purges: { ordinal: number; key: string; position: Position }[] = [];
    for (const { ordinal, item, hash } of batch) {
      if (item.kind === 'rejection') {
        rejections.push({ ...item.rejection, ordinal });
        continue;
      }
      const key = item.record.key;
      if (isPurge(item.record)) {
        purges.push({ ordinal, key, position: item.position });
        continue;
      }
      records.push({ record: item.record as R, kind: item.record.type, key, hash: hash! });
      for (const w of item.warnings) warnings.push({ ...w, ordinal, file: item.position.file, line: item.position.line, key });
    }
    const known = records.length && !firstLoad
      ? await tx.query<{ kind: string; local_key: string; content_hash: string; retracted_at: Date | null }>(
          // One primary-key probe per record, whatever the table's size or the planner's statistics:
          // a join let a fresh table's stale estimates choose a scan of the whole feed. The LIMIT
          // keeps the planner from flattening the LATERAL back into that join (the key is unique).
          `select t.kind, t.local_key, s.content_hash, s.retracted_at
             from unnest($3::text[], $4::text[]) as t(kind, local_key)
             cross join lateral (select content_hash, retracted_at from ingest.record_state r
                                  where r.agency = $1 and r.feed = $2 and r.kind = t.kind and r.local_key = t.local_key limit 1) s`,
          [agency, applier.feed, records.map((r) => r.kind), records.map((r) => r.key)],
        )
      : [];
    const previous = new Map(known.map((k) => [`${k.kind}\0${k.local_key}`, k]));
    const changed: R[] = [];
    // Records of the source identity kind sent again with new content: a correction at source is
    // noted (which facts changed, never their values) once applied.
    const corrected: string[] = [];
    for (const r of records) {
      const before = previous.get(`${r.kind}\0${r.key}`);
      if (!before) counts.inserted++;
      else if (before.content_hash !== r.hash || before.retracted_at !== null) {
        counts.updated++;
        if (r.kind === applier.identityKind) corrected.push(r.key);
      } else {
        counts.unchanged++;
        continue;
      }
      changed.push(r.record);
    }
    if (changed.length) {
      const factsBefore = corrected.length ? await factDigests(tx, agency, applier.feed, corrected) : undefined;
      await applier.apply(tx, agency, changed, firstLoad);
      if (factsBefore) await noteCorrections(tx, factsBefore, await factDigests(tx, agency, applier.feed, corrected));
      // Blocking keys follow the facts in the same transaction (a committed batch is searchable),
      // and verified biometric references and identifiers link identities on arrival.
      await matchBatch(tx);
    }
    if (records.length) {
      await tx.query(
        upsert(
          `insert into ingest.record_state (agency, feed, kind, local_key, content_hash, last_run_id)
           select $1, $2, k, l, h, $6 from unnest($3::text[], $4::text[], $5::text[]) as t(k, l, h)
           on conflict (agency, feed, kind, local_key) do update set content_hash = excluded.content_hash, last_run_id = excluded.last_run_id, retracted_at = null`,
          firstLoad,
        ),
        [agency, applier.feed, records.map((r) => r.kind), records.map((r) => r.key), records.map((r) => r.hash), runId],
      );
    }
    if (purges.length) {
      // A purge flag: the record goes as purgeRecords removes it, after anything else of it this
      // batch brought. One the agency does not hold in this feed (never sent, or purged already)
      // is a rejection naming it: nothing of another agency's can be reached this way.
      const found = await tx.query<{ id: string; person_id: string; local_id: string }>(
        `select id, person_id, local_id from identity.source_identity where agency = $1 and feed = $2 and local_id = any($3::text[])`,
        [agency, applier.feed, purges.map((p) => p.key)],
      );
      const held = new Set(found.map((f) => f.local_id));
      for (const p of purges) {
        if (held.has(p.key)) counts.purged++;
        else rejections.push({ ...p.position, ordinal: p.ordinal, field: 'purge', code: 'UNKNOWN_RECORD', reason: `your agency holds no ${applier.feed} record "${p.key.slice(0, 60)}": nothing was purged`, raw: `purge ${p.key.slice(0, 200)}` });
      }
      if (found.length) {
        const result = await purgeIdentities(tx, agency, applier as unknown as FeedApplier<Keyed>, found, `purged at source (purge flag), ingest run ${runId}`);
        await onPurged?.(tx, result.personIds, runId);
      }
    }
    if (rejections.length) {
      counts.rejected = rejections.length;
      await tx.query(
        `insert into ingest.rejection (run_id, ordinal, file, line, path, field, code, reason, raw)
         select $1, * from unnest($2::int[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])`,
        [runId, rejections.map((r) => r.ordinal), rejections.map((r) => storable(r.file)), rejections.map((r) => r.line ?? null), rejections.map((r) => storable(r.path)),
          rejections.map((r) => storable(r.field)), rejections.map((r) => r.code), rejections.map((r) => storable(r.reason)), rejections.map((r) => storable(r.raw))],
      );
    }
    if (warnings.length) {
      counts.warnings = warnings.length;
      await tx.query(
        `insert into ingest.warning (run_id, ordinal, file, line, field, code, message, local_key)
         select $1, * from unnest($2::int[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[])`,
        [runId, warnings.map((w) => w.ordinal), warnings.map((w) => w.file), warnings.map((w) => w.line ?? null), warnings.map((w) => w.field ?? null),
          warnings.map((w) => w.code), warnings.map((w) => w.message), warnings.map((w) => w.key)],
      );
    }
    await tx.query(
      `update ingest.run set read = read + $2, inserted = inserted + $3, updated = updated + $4, unchanged = unchanged + $5,
         rejected = rejected + $6, warnings = warnings + $7, checkpoint = $8, purged = purged + $9 where id = $1`,
      [runId, counts.read, counts.inserted, counts.updated, counts.unchanged, counts.rejected, counts.warnings, done, counts.purged],
    );
    return counts;
  });
}

const isPurge = (record: Keyed): record is PurgeRecord => record.type === 'purge';

/**
 * Purge what a whole snapshot sent with purge-missing no longer contains (retracted earlier or
 * not): the identities of the records gone, with everything of theirs, then rows of other kinds
 * gone from identities that stay. Returns how many records.
 */
async function purgeMissing(tx: Db, applier: FeedApplier<Keyed>, agency: string, runId: string, onPurged: IngestOptions['onPurged']): Promise<number> {
  const gone = await tx.query<{ kind: string; keys: string[] }>(
    `select kind, array_agg(local_key) as keys from ingest.record_state where agency = $1 and feed = $2 and last_run_id <> $3 group by kind`,
    [agency, applier.feed, runId],
  );
  let purged = 0;
  const identities = gone.find((g) => g.kind === applier.identityKind)?.keys ?? [];
  if (identities.length) {
    const found = await tx.query<{ id: string; person_id: string; local_id: string }>(
      `select id, person_id, local_id from identity.source_identity where agency = $1 and feed = $2 and local_id = any($3::text[])`,
      [agency, applier.feed, identities],
    );
    const result = await purgeIdentities(tx, agency, applier, found, `purged at source (gone from a full snapshot), ingest run ${runId}`);
    if (result.personIds.length) await onPurged?.(tx, result.personIds, runId);
  }
  for (const { kind, keys } of gone) {
    if (kind !== applier.identityKind) await applier.purge(tx, agency, kind, keys);
    purged += keys.length;
  }
  // What is left of their ingest state (purgeIdentities removed its own records').
  await tx.query('delete from ingest.record_state where agency = $1 and feed = $2 and last_run_id <> $3', [agency, applier.feed, runId]);
  return purged;
}

/** Retract (or purge) what a whole, complete snapshot no longer contains, and finish the run, in one transaction. */
async function finish(db: Db, applier: FeedApplier<Keyed>, agency: string, runId: string, retract: boolean, purge: boolean, matchBatch: (tx: Db) => Promise<unknown>, onPurged: IngestOptions['onPurged']): Promise<{ retracted: number; purged: number }> {
  return db.transaction(async (tx) => {
    let retracted = 0;
    if (retract && purge) {
      const purged = await purgeMissing(tx, applier, agency, runId, onPurged);
      await matchBatch(tx);
      await tx.query(`update ingest.run set phase = 'COMPLETED', finished_at = now(), purged_missing = $2 where id = $1`, [runId, purged]);
      return { retracted: 0, purged };
    }
    if (retract) {
      const gone = await tx.query<{ kind: string; keys: string[] }>(
        `select kind, array_agg(local_key) as keys from ingest.record_state
          where agency = $1 and feed = $2 and last_run_id <> $3 and retracted_at is null group by kind`,
        [agency, applier.feed, runId],
      );
      for (const { kind, keys } of gone) {
        await applier.retract(tx, agency, kind, keys);
        retracted += keys.length;
      }
      await tx.query('update ingest.record_state set retracted_at = now() where agency = $1 and feed = $2 and last_run_id <> $3 and retracted_at is null', [agency, applier.feed, runId]);
      await matchBatch(tx);
    }
    await tx.query(`update ingest.run set phase = 'COMPLETED', finished_at = now(), retracted = $2 where id = $1`, [runId, retracted]);
    return { retracted, purged: 0 };
  });
}

/**
 * Ingest `options.files` as `applier`'s feed from `options.agency` (FORBIDDEN, nothing written,
 * unless the agency is of the kind the feed comes from). A run stopped by an unexpected error
 * ends FAILED with a coded reason and throws a HarbourError saying so plainly; what was committed
 * stays, and the same input run again resumes it.
 */
export async function ingest<R extends Keyed>(db: Db, log: Logger, applier: FeedApplier<R>, options: IngestOptions): Promise<IngestSummary> {
  const started = Date.now();
  const refusal = feedAgencyRefusal(applier as unknown as FeedApplier<Keyed>, options.agency);
  if (refusal) throw new HarbourError(ErrorCode.FORBIDDEN, refusal);
  const full = options.full ?? false;
  const purgeMissingToo = options.purgeMissing ?? false;
  if (purgeMissingToo && !full) throw new HarbourError(ErrorCode.BAD_USER_INPUT, 'purge-missing needs a full snapshot (full): only a whole current set can say what was deleted', { argument: 'purgeMissing' });
  const batchSize = options.batchSize ?? 5000;
  const { digest, lines } = await inputDigest(applier.feed, options.agency, full, purgeMissingToo, options.files);
  const run = await startOrResume(db, applier.feed, options.agency, full, purgeMissingToo, digest);
  options.onStart?.({ lines, resumedAt: run.checkpoint });
  const [prior] = await db.query<{ exists: boolean }>(
    'select exists (select 1 from ingest.record_state where agency = $1 and feed = $2 and last_run_id <> $3) as exists',
    [options.agency, applier.feed, run.id],
  );
  const firstLoad = !prior!.exists;
  // Match on arrival, after each batch; the run holds the missing children in memory between batches.
  const missing = new MissingChildren();
  const matchBatch = (tx: Db) => matchOnArrival(tx, `ingest run ${run.id}`, options.matchThresholds ?? DEFAULT_THRESHOLDS, missing);
  const totals: Counts = { read: run.read, inserted: run.inserted, updated: run.updated, unchanged: run.unchanged, rejected: run.rejected, purged: run.purged, warnings: run.warnings };
  log.info({ runId: run.id, feed: applier.feed, agency: options.agency, resumed: run.resumed, checkpoint: run.checkpoint }, 'ingest run');
  let ordinal = 0;
  let batch: Pending<R>[] = [];
  // One batch is written while the next is parsed; transactions still commit strictly in order.
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    const items = batch;
    const upTo = ordinal;
    batch = [];
    await writing;
    writing = applyBatch(db, applier, options.agency, run.id, items, upTo, firstLoad, matchBatch, options.onPurged).then((counts) => {
      for (const k of Object.keys(totals) as (keyof Counts)[]) totals[k] += counts[k];
      options.onProgress?.({ read: totals.read, rejected: totals.rejected });
    });
    // A failed write must not go unobserved while the next batch is parsed.
    writing.catch(() => undefined);
  };
  // Whether a full snapshot is whole is read from every item, those before a resumed checkpoint too.
  let accepted = 0;
  let incomplete: string | undefined;
  let retracted: number;
  let purgedMissing: number;
  try {
    for await (const item of applier.connector.parse(options.files.map((p) => ({ path: p })))) {
      ordinal++;
      if (item.kind === 'record') accepted++;
      incomplete ??= notWhole(item);
      if (ordinal <= run.checkpoint) continue; // applied before the run was interrupted
      batch.push({ ordinal, item, hash: item.kind === 'rejection' ? undefined : contentHash(item.record) });
      if (batch.length >= batchSize) await flush();
      // Parsing a read chunk's items runs as one long stretch of microtasks; yield to I/O now and
      // then, so that the batch being written gets its next statement out without waiting for it.
      else if (ordinal % YIELD_EVERY === 0) await new Promise(setImmediate);
    }
    if (batch.length) await flush();
    await writing;
    if (accepted === 0) incomplete ??= 'the input holds no record';
    ({ retracted, purged: purgedMissing } = await finish(db, applier as unknown as FeedApplier<Keyed>, options.agency, run.id, full && incomplete === undefined, purgeMissingToo, matchBatch, options.onPurged));
  } catch (error) {
    // The batches committed stay; the run is FAILED, and the same input resumes it from its checkpoint.
    await writing.catch(() => undefined);
    const failure = failureOf(error);
    await db.query(`update ingest.run set phase = 'FAILED', failure = $2, finished_at = now() where id = $1 and phase = 'RUNNING'`, [run.id, failure.code])
      .catch((e: unknown) => log.error({ runId: run.id, errorName: (e as Error).name }, 'ingest run: the failure could not be recorded'));
    log.error({ runId: run.id, failure: failure.code, errorName: (error as Error).name }, 'ingest run failed');
    throw new HarbourError(ErrorCode.INTERNAL_SERVER_ERROR, `ingest run ${run.id} failed (${failure.code}): ${failure.words}. What was committed before stays; the same input run again resumes from there.`, { runId: run.id, failure: failure.code });
  }
  const incompleteSnapshot = full && incomplete !== undefined ? `nothing ${purgeMissingToo ? 'purged' : 'retracted'}: the input is not a whole snapshot (${incomplete})` : null;
  if (incompleteSnapshot) log.warn({ runId: run.id }, `full snapshot not whole: nothing ${purgeMissingToo ? 'purged' : 'retracted'}`);
  return { runId: run.id, feed: applier.feed, agency: options.agency, ...totals, purged: totals.purged + purgedMissing, retracted, durationMs: Date.now() - started, resumed: run.resumed, incompleteSnapshot };
}
