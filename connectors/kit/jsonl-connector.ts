/**
 * A JSON Lines connector from one parser per record `type`: dispatch, duplicate keys, and every
 * FieldError turned into a rejection with file, line, field path, code and the raw line.
 */
import { FieldError, itemOf, type Connector, type InputFile, type Item, type Keyed, type Warning } from './contract';
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

/**
 * Only a person record carries `purge` (it deletes the record and every row of it): true on any
 * other record rejects it, naming the field. Returns undefined, for `notPurged(o) ?? record`.
 */
export function notPurged(o: Record<string, unknown>, type: string): undefined {
  if (o.purge !== undefined && o.purge !== null && o.purge !== false) {
    throw new FieldError('purge', 'UNKNOWN_CODE', `a ${type} record cannot be purged on its own: purge its person (person_ref), or leave it out of a full snapshot sent with purge-missing`);
  }
  return undefined;
}
