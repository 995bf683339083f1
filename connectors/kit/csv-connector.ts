/**
 * A CSV connector from table definitions: each file is told apart by a signature column, its
 * required columns checked, each row parsed by the table's parser; FieldErrors become rejections
 * naming file, line and column; keys seen twice in one input are rejected after the first.
 */
import { FieldError, type Connector, type InputFile, type Item, type Warning } from './contract';
import { readCsv } from './csv';
import type { Keyed } from './jsonl-connector';

export interface CsvTable<R> {
  name: string;
  /** A column only this table has. */
  signature: string;
  required: string[];
  parse(values: Record<string, string>, warnings: Warning[]): R;
}

export function csvConnector<R extends Keyed>(feed: string, tables: CsvTable<R>[]): Connector<R> {
  const names = tables.map((t) => t.name).join(', ');
  return {
    feed,
    async *parse(files: readonly InputFile[]): AsyncGenerator<Item<R>> {
      const seen = new Set<string>();
      for (const input of files) {
        let table: CsvTable<R> | undefined;
        let missing: string[] = [];
        for await (const item of readCsv(input.path)) {
          if (item.kind === 'rejection') {
            yield item;
            continue;
          }
          if (item.kind === 'header') {
            table = tables.find((t) => item.columns.includes(t.signature));
            missing = table ? table.required.filter((c) => !item.columns.includes(c)) : [];
            continue;
          }
          const position = { file: item.file, line: item.line };
          if (!table) {
            yield { kind: 'rejection', rejection: { ...position, code: 'UNKNOWN_TABLE', reason: `the header matches no ${feed} file (${names})`, raw: item.raw } };
            continue;
          }
          if (missing.length) {
            yield { kind: 'rejection', rejection: { ...position, field: missing[0], code: 'MISSING_COLUMN', reason: `${table.name} needs column(s) ${missing.join(', ')}`, raw: item.raw } };
            continue;
          }
          const warnings: Warning[] = [];
          let record: R;
          try {
            record = table.parse(item.values, warnings);
          } catch (error) {
            if (!(error instanceof FieldError)) throw error;
            yield { kind: 'rejection', rejection: { ...position, field: error.field, code: error.code, reason: error.message, raw: item.raw } };
            continue;
          }
          const id = `${record.type}\0${record.key}`;
          if (seen.has(id)) {
            yield { kind: 'rejection', rejection: { ...position, code: 'DUPLICATE_KEY', reason: `a ${record.type} ${record.key} came earlier in this input`, raw: item.raw } };
            continue;
          }
          seen.add(id);
          yield { kind: 'record', record, position, warnings };
        }
      }
    },
  };
}
