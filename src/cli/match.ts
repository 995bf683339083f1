/**
 * `harbour match link|compare`: the evaluation interface of identity resolution, over
 * person-record CSV files, with the production candidate generation and model.
 */
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Command } from 'commander';
import { csvCell } from '../../connectors/kit/csv';
import type { HarbourConfig } from '../config';
import type { Database } from '../db';
import type { Logger } from '../log';
import { fhirGrade, personRecord, PersonCsvError, prepare, weightOf, type MatchRecord, type Score } from '../matching';
import { currentModel, dedupeStore, linkRecords, recordFrequencies, rekeyStore, trainFromStore } from '../matching/candidates';
import { Presets, SingleBar } from 'cli-progress';

type WithDatabase = (config: HarbourConfig, log: Logger, work: (database: Database) => Promise<void>) => Promise<void>;

function readCsv(file: string, required: string): { rows: Record<string, string>[]; lines: number[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(`harbour match: cannot read ${file}`);
  }
  const lines: number[] = [];
  const records = parse(text, { bom: true, columns: true, skip_empty_lines: true, relax_column_count: true, info: true }) as { record: Record<string, string>; info: { lines: number } }[];
  if (records.length && !(required in records[0]!.record)) throw new Error(`harbour match: ${file} has no "${required}" column`);
  for (const r of records) lines.push(r.info.lines);
  return { rows: records.map((r) => r.record), lines };
}

/** Rows as match records; a value that cannot be read is reported (file, line, column) and left out, never the row. */
function personRecords(file: string, prefixes: string[], idOf: (row: Record<string, string>, prefix: string) => string | undefined): MatchRecord[][] {
  const { rows, lines } = readCsv(file, idOf === pairId ? 'pair_id' : 'record_id');
  return prefixes.map((prefix) =>
    rows.map((row, i) => {
      const problems: string[] = [];
      try {
        const record = personRecord(row, prefix, idOf(row, prefix), problems);
        for (const p of problems) console.error(`[match] ${file} line ${lines[i]}, column ${p}; that value is left out`);
        return record;
      } catch (error) {
        if (error instanceof PersonCsvError) throw new Error(`harbour match: ${file} line ${lines[i]}: ${error.message}`);
        throw error;
      }
    }),
  );
}

const recordId = (row: Record<string, string>) => row.record_id?.trim();
const pairId = (row: Record<string, string>, prefix: string) => (row.pair_id?.trim() ? `${row.pair_id.trim()}\u0000${prefix}` : undefined);

function cells(score: Score): string[] {
  return [score.probability.toFixed(6), fhirGrade(score.grade), score.weight.toFixed(3), score.reasons.join('; ')].map(csvCell);
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
        const model = await currentModel(database.db, config.matchThresholds);
        const bar = process.stderr.isTTY && !options.json
          ? new SingleBar({ format: 'dedupe {bar} {percentage}% | {value}/{total} identities | {pairs} pairs | {suggestions} suggestions | {links} links', stream: process.stderr, hideCursor: true }, Presets.shades_classic)
          : undefined;
        const started = Date.now();
        let began = false;
        const result = await dedupeStore(database.db, model, {
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
        const model = await currentModel(database.db, config.matchThresholds);
        const result = await trainFromStore(database.db, model, { sample: options.sample, store: !options.dryRun });
        console.log(`${result.parameters.version} (${result.method}${result.method === 'EM' ? `, ${result.iterations} iterations, match share ${result.matchShare.toFixed(4)}` : ''}) from ${result.randomPairs} random pairs, ${result.candidatePairs} candidate pairs, ${result.positivePairs} judged pairs; started from ${model.parameters.version}`);
        console.log(`${'field'.padEnd(12)}${'level'.padEnd(18)}${'m'.padStart(10)}${'u'.padStart(12)}${'weight'.padStart(9)}`);
        for (const [field, levels] of Object.entries(result.parameters.fields)) {
          for (const [level, p] of Object.entries(levels)) console.log(`${field.padEnd(12)}${level.padEnd(18)}${p.m.toFixed(5).padStart(10)}${p.u.toExponential(2).padStart(12)}${weightOf(p).toFixed(2).padStart(9)}`);
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
        const n = await rekeyStore(database.db, (done) => process.stderr.isTTY && process.stderr.write(`\rrekey: ${done} identities`));
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
      const [left] = personRecords(leftFile, [''], recordId);
      const [right] = rightFile ? personRecords(rightFile, [''], recordId) : [null];
      await withDatabase(config, logger(config), async (database) => {
        await database.migrate();
        const model = await currentModel(database.db, config.matchThresholds);
        const pairs = (await linkRecords(database.db, model, left!, right ?? null)).filter((p) => p.score.grade !== 'CERTAINLY_NOT');
        pairs.sort((x, y) => (x.left < y.left ? -1 : x.left > y.left ? 1 : y.score.weight - x.score.weight));
        const out = ['left_id,right_id,probability,grade,match_weight,reasons', ...pairs.map((p) => [csvCell(p.left), csvCell(p.right), ...cells(p.score)].join(','))];
        fs.writeFileSync(options.out, out.join('\n') + '\n');
        console.error(`${pairs.length} pairs graded possible or better written to ${options.out} (model ${model.parameters.version})`);
      });
    });

  match
    .command('compare')
    .description('score given pairs of person records (pair_id, a_… and b_… columns)')
    .argument('<pairs>', 'pairs CSV')
    .requiredOption('--out <file>', 'output CSV: pair_id,probability,grade,match_weight,reasons')
    .action(async (pairsFile: string, options: { out: string }) => {
      const config = loadConfig();
      const [a, b] = personRecords(pairsFile, ['a_', 'b_'], pairId);
      await withDatabase(config, logger(config), async (database) => {
        await database.migrate();
        const model = await currentModel(database.db, config.matchThresholds);
        const left = a!.map(prepare);
        const right = b!.map(prepare);
        const freq = recordFrequencies([...left, ...right]);
        const out = ['pair_id,probability,grade,match_weight,reasons'];
        left.forEach((x, i) => out.push([csvCell(x.source.id.split('\u0000')[0]), ...cells(model.score(x, right[i]!, freq))].join(',')));
        fs.writeFileSync(options.out, out.join('\n') + '\n');
        console.error(`${left.length} pairs scored to ${options.out} (model ${model.parameters.version})`);
      });
    });
}
