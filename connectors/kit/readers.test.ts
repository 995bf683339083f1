/** A file that cannot be read stops the run with the system's error; it never hangs. */
import { readCsv } from './csv';
import { readJsonl } from './jsonl';
import { readXml } from './xml';

const drain = async (items: AsyncIterable<unknown>) => {
  for await (const _ of items) void _;
};

test.each([
  ['CSV', () => drain(readCsv('/nonexistent/harbour/missing.csv'))],
  ['JSON Lines', () => drain(readJsonl('/nonexistent/harbour/police.jsonl'))],
  ['XML', () => drain(readXml('/nonexistent/harbour/return.xml', 'CHILD'))],
])('%s: a missing file rejects promptly with ENOENT', async (_name, read) => {
  await expect(read()).rejects.toMatchObject({ code: 'ENOENT' });
}, 5000);
