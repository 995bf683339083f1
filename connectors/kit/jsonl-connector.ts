/**
 * A JSON Lines connector from one parser per record `type`: dispatch, duplicate keys, and every
 * FieldError turned into a rejection with file, line, field path, code and the raw line.
 */
import { itemOf, type Connector, type InputFile, type Item, type Keyed, type Warning } from './contract';
import { readJsonl } from './jsonl';

export type RecordParser<R> = (o: Record<string, unknown>, warnings: Warning[]) => R;

export function jsonlConnector<R extends Keyed>(feed: string, parsers: Record<string, RecordParser<R>>): Connector<R> {
  const types = Object.keys(parsers);
  return {
    feed,
    async *parse(files: readonly InputFile[]): AsyncGenerator<Item<R>> {
      const seen = new Set<string>();
      for (const input of files) {
        for await (const item of readJsonl(input.path)) {
          if (item.kind === 'rejection') {
            yield item;
            continue;
          }
          const position = { file: item.file, line: item.line };
          const type = item.value.type;
          const parser = typeof type === 'string' ? parsers[type] : undefined;
          if (!parser) {
            yield { kind: 'rejection', rejection: { ...position, field: 'type', code: 'UNKNOWN_TABLE', reason: `unknown record type ${JSON.stringify(type)} (expected ${types.join(', ')})`, raw: item.raw } };
            continue;
          }
          yield itemOf((warnings) => parser(item.value, warnings), position, item.raw, seen);
        }
      }
    },
  };
}
