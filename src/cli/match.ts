/**
 * `harbour match link|compare`: the evaluation interface of identity resolution, over
 * person-record CSV files, with the production candidate generation and model.
 */
import fs from 'node:fs';
import { once } from 'node:events';
import { parse, type CsvError } from 'csv-parse';
import type { Command } from 'commander';
import { csvCell } from '../../connectors/kit/csv';
import type { HarbourConfig } from '../config';
import type { Database } from '../db';
import type { Logger } from '../log';
import type { MatchRecord, Score } from '../matching';
import { load } from './lazy';

// The matching model and its store load when a match command runs, not when the CLI starts.
const matching = () => load<typeof import('../matching')>('../matching');
const candidates = () => load<typeof import('../resolution')>('../resolution');
const progress = () => load<typeof import('cli-progress')>('cli-progress');

type WithDatabase = (config: HarbourConfig, log: Logger, work: (database: Database) => Promise<void>) => Promise<void>;

interface CsvRow {
  readonly row: Record<string, string>;
  readonly line: number;
}

function assertReadable(file: string): void {
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch {
    throw new Error(`harbour match: cannot read ${file}`);
  }
}

/** A CSV file's rows in batches, read as a stream; a row the parser cannot read is reported (line, reason) and left out. */
async function* csvBatches(file: string, required: string, size = 5000): AsyncGenerator<CsvRow[]> {
  let skipped = 0;
  const parser = parse({
    bom: true, columns: true, skip_empty_lines: true, relax_column_count: true, info: true, skip_records_with_error: true,
    on_skip: (error: CsvError | undefined) => {
      const line = (error as { lines?: number } | undefined)?.lines ?? 0;
      if (line !== skipped) console.error(`[match] ${file} line ${line}: ${error?.code ?? 'unreadable'}; that row is left out`);
      skipped = line;
    },
  });
  const input = fs.createReadStream(file);
  input.on('error', () => parser.destroy(new Error(`harbour match: cannot read ${file}`)));
  input.pipe(parser);
  let batch: CsvRow[] = [];
  for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number; records: number } }>) {
    if (info.records === 1 && !(required in record)) throw new Error(`harbour match: ${file} has no "${required}" column`);
    batch.push({ row: record, line: info.lines });
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/**
 * A row as one match record per prefix. A value that cannot be read is reported (file, line,
 * column) and left out, never the row; a row without an id is reported and left out (undefined).
 */
function rowRecords(file: string, { row, line }: CsvRow, prefixes: readonly string[], idOf: (row: Record<string, string>, prefix: string) => string | undefined): MatchRecord[] | undefined {
  const problems: string[] = [];
  try {
    const records = prefixes.map((prefix) => candidates().personRecord(row, prefix, idOf(row, prefix), problems));
    for (const p of problems) console.error(`[match] ${file} line ${line}, column ${p}; that value is left out`);
    return records;
  } catch (error) {
    if (!(error instanceof candidates().PersonCsvError)) throw error;
    console.error(`[match] ${file} line ${line}: ${error.message}; that row is left out`);
    return undefined;
  }
}

const recordId = (row: Record<string, string>) => row.record_id?.trim();
const pairId = (row: Record<string, string>, prefix: string) => (row.pair_id?.trim() ? `${row.pair_id.trim()}\u0000${prefix}` : undefined);

function cells(score: Pick<Score, 'probability' | 'grade' | 'weight' | 'reasons'>): string[] {
  return [score.probability.toFixed(6), matching().fhirGrade(score.grade), score.weight.toFixed(3), score.reasons.join('; ')].map(csvCell);
}

/**
 * An output CSV written as a stream (waiting while the disk is behind), under `<file>.partial`
 * until it is complete: a run that fails leaves no output that looks whole.
 */
function csvOutput(file: string, header: string) {
  const partial = `${file}.partial`;
  const stream = fs.createWriteStream(partial);
  let failed: Error | undefined;
  stream.on('error', (error) => (failed = error));
  const write = async (lines: readonly string[]) => {
    if (failed) throw failed;
    if (lines.length && !stream.write(`${lines.join('\n')}\n`)) await once(stream, 'drain');
  };
  return {
    ready: write([header]),
    write,
    async close() {
      await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
      if (failed) throw failed;
      fs.renameSync(partial, file);
    },
    abort() {
      stream.destroy();
      fs.rmSync(partial, { force: true });
    },
  };
}

function dedupeCommand(match: Command, loadConfig: () => HarbourConfig, logger: (config: HarbourConfig) => Logger, withDatabase: WithDatabase): void {
  match
    .command('dedupe')
    .description('deduplicate the whole store: automatic links from verified references, suggestions (probable or better) for a person to judge')
    .option('--json', 'print one JSON summary on stdout')
    .action(async (options: { json?: boolean }) => {
      const config = loadConfig();
      await withDatabase(config, logger(config), async (database) => {
        await database.migrate();
        const model = await candidates().currentModel(database.db, config.matchThresholds);
        const bar = process.stderr.isTTY && !options.json
          ? new (progress().SingleBar)({ format: 'dedupe {bar} {percentage}% | {value}/{total} identities | {pairs} pairs | {suggestions} suggestions | {links} links', stream: process.stderr, hideCursor: true }, progress().Presets.shades_classic)
          : undefined;
        const started = Date.now();
        let began = false;
        const result = await candidates().dedupeStore(database.db, model, {
          onProgress: (p) => {
            if (!began) bar?.start(p.total, 0, p);
            began = true;
            bar?.update(p.done, p);
          },
        });
        bar?.stop();
        const summary = { identities: result.total, pairs: result.pairs, suggestions: result.suggestions, links: result.links, model: model.parameters.version, durationMs: Date.now() - started };
        console.log(options.json ? JSON.stringify(summary) : `dedupe: ${summary.identities} identities, ${summary.pairs} candidate pairs scored, ${summary.suggestions} suggestions, ${summary.links} automatic links in ${summary.durationMs} ms (model ${summary.model})`);
      });
    });
}

function trainCommand(match: Command, loadConfig: () => HarbourConfig, logger: (config: HarbourConfig) => Logger, withDatabase: WithDatabase): void {
  match
    .command('train')
    .description('estimate the model from the store: u from random pairs, m by EM over candidate pairs (or from POSITIVE judgements); stores a new version')
    .option('--sample <n>', 'random pairs drawn, and identities whose candidate pairs are used', (v) => Number(v), 5000)
    .option('--dry-run', 'print the parameters without storing them')
    .action(async (options: { sample: number; dryRun?: boolean }) => {
      if (!Number.isInteger(options.sample) || options.sample < 100) throw new Error('harbour match train: --sample must be an integer of at least 100');
      const config = loadConfig();
      await withDatabase(config, logger(config), async (database) => {
        await database.migrate();
        const model = await candidates().currentModel(database.db, config.matchThresholds);
        const result = await candidates().trainFromStore(database.db, model, { sample: options.sample, store: !options.dryRun });
        console.log(`${result.parameters.version} (${result.method}${result.method === 'EM' ? `, ${result.iterations} iterations, match share ${result.matchShare.toFixed(4)}` : ''}) from ${result.randomPairs} random pairs, ${result.candidatePairs} candidate pairs, ${result.positivePairs} judged pairs; started from ${model.parameters.version}`);
        console.log(`${'field'.padEnd(12)}${'level'.padEnd(18)}${'m'.padStart(10)}${'u'.padStart(12)}${'weight'.padStart(9)}`);
        for (const [field, levels] of Object.entries(result.parameters.fields)) {
          for (const [level, p] of Object.entries(levels)) console.log(`${field.padEnd(12)}${level.padEnd(18)}${p.m.toFixed(5).padStart(10)}${p.u.toExponential(2).padStart(12)}${matching().weightOf(p).toFixed(2).padStart(9)}`);
        }
        console.log(options.dryRun ? 'not stored (--dry-run)' : `stored as ${result.parameters.version}: the model in use from now on`);
      });
    });
}

export function matchCommands(cli: Command, loadConfig: () => HarbourConfig, logger: (config: HarbourConfig) => Logger, withDatabase: WithDatabase): void {
  const match = cli.command('match').description('identity resolution: link, deduplicate and compare person records');
  dedupeCommand(match, loadConfig, logger, withDatabase);
  trainCommand(match, loadConfig, logger, withDatabase);
  match
    .command('rekey')
    .description('rewrite the blocking keys of every identity (after an upgrade that changed how records are keyed)')
    .action(async () => {
      const config = loadConfig();
      await withDatabase(config, logger(config), async (database) => {
        await database.migrate();
        const started = Date.now();
        const n = await candidates().rekeyStore(database.db, (done) => process.stderr.isTTY && process.stderr.write(`\rrekey: ${done} identities`));
        console.log(`${process.stderr.isTTY ? '\n' : ''}rekey: ${n} identities in ${Date.now() - started} ms`);
      });
    });

  match
    .command('link')
    .description('link two person-record CSV files, or deduplicate one; writes every pair graded possible or better')
    .argument('<left>', 'person-record CSV')
    .argument('[right]', 'a second person-record CSV (omit to deduplicate <left>)')
    .requiredOption('--out <file>', 'output CSV: left_id,right_id,probability,grade,match_weight,reasons')
    .action(async (leftFile: string, rightFile: string | undefined, options: { out: string }) => {
      const config = loadConfig();
      const files: ['L' | 'R', string][] = rightFile ? [['L', leftFile], ['R', rightFile]] : [['L', leftFile]];
      for (const [, file] of files) assertReadable(file);
      await withDatabase(config, logger(config), async (database) => {
        await database.migrate();
        const model = await candidates().currentModel(database.db, config.matchThresholds);
        const bar = process.stderr.isTTY
          ? new (progress().SingleBar)({ format: 'link {bar} {percentage}% | {value}/{total} left records | {candidates} candidate pairs | {pairs} pairs', stream: process.stderr, hideCursor: true }, progress().Presets.shades_classic)
          : undefined;
        const output = csvOutput(options.out, 'left_id,right_id,probability,grade,match_weight,reasons');
        try {
          await output.ready;
          const result = await candidates().withScratchLinkage(database.db, rightFile ? 'link' : 'dedupe', async (linkage) => {
            for (const [side, file] of files) {
              for await (const batch of csvBatches(file, 'record_id')) {
                const rows = batch.map((row) => ({ line: row.line, record: rowRecords(file, row, [''], recordId)?.[0] })).filter((r) => r.record !== undefined);
                const taken = await linkage.add(side, rows.map((r) => r.record!));
                taken.forEach((ok, i) => ok || console.error(`[match] ${file} line ${rows[i]!.line}: record_id is that of an earlier row; that row is left out`));
              }
            }
            let began = false;
            return linkage.pairs(model, (pairs) => output.write(pairs.map((p) => [csvCell(p.left), csvCell(p.right), ...cells(p.score)].join(','))), {
              onProgress: (p) => {
                if (!began) bar?.start(p.total, 0, p);
                began = true;
                bar?.update(p.done, p);
              },
            });
          });
          bar?.stop();
          await output.close();
          console.error(`${result.pairs} pairs graded possible or better written to ${options.out} (${result.candidates} candidate pairs scored; model ${model.parameters.version})`);
        } catch (error) {
          bar?.stop();
          output.abort();
          throw error;
        }
      });
    });

  match
    .command('compare')
    .description('score given pairs of person records (pair_id, a_… and b_… columns)')
    .argument('<pairs>', 'pairs CSV')
    .requiredOption('--out <file>', 'output CSV: pair_id,probability,grade,match_weight,reasons')
    .action(async (pairsFile: string, options: { out: string }) => {
      const config = loadConfig();
      assertReadable(pairsFile);
      const pairs: MatchRecord[][] = [];
      for await (const batch of csvBatches(pairsFile, 'pair_id')) for (const row of batch) {
        const records = rowRecords(pairsFile, row, ['a_', 'b_'], pairId);
        if (records) pairs.push(records);
      }
      await withDatabase(config, logger(config), async (database) => {
        await database.migrate();
        const model = await candidates().currentModel(database.db, config.matchThresholds);
        const left = pairs.map((p) => matching().prepare(p[0]!));
        const right = pairs.map((p) => matching().prepare(p[1]!));
        const freq = candidates().recordFrequencies([...left, ...right]);
        const output = csvOutput(options.out, 'pair_id,probability,grade,match_weight,reasons');
        try {
          await output.ready;
          await output.write(left.map((x, i) => [csvCell(x.source.id.split('\u0000')[0]), ...cells(model.score(x, right[i]!, freq))].join(',')));
          await output.close();
        } catch (error) {
          output.abort();
          throw error;
        }
        console.error(`${left.length} pairs scored to ${options.out} (model ${model.parameters.version})`);
      });
    });
}
