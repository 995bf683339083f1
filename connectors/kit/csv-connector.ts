/**
 * A CSV connector from table definitions: each file is told apart by a signature column, its
 * required columns checked, each row parsed by the table's parser (kit/contract `itemOf`: a
 * FieldError or a key seen twice in one input becomes a rejection).
 */
import { itemOf, type Connector, type InputFile, type Item, type Keyed, type Warning } from './contract';
import { readCsv } from './csv';

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
          const parse = table.parse;
          yield itemOf((warnings) => parse(item.values, warnings), position, item.raw, seen, item.warnings);
        }
      }
    },
  };
}
