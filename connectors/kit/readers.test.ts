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

test('CSV: a 10 MB line is one OVERSIZED_FIELD rejection at its own line; the rows after keep their line numbers', async () => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'readers-')), 'episodes.csv');
  fs.writeFileSync(file, `a,b\r\n1,one\r\n${'x'.repeat(10_000_000)},y\n3,z\n`);
  const items = [];
  for await (const item of readCsv(file)) items.push(item);
  expect(items.map((i) => (i.kind === 'row' ? ['row', i.line, i.values.a] : i.kind === 'rejection' ? [i.rejection.code, i.rejection.line, i.rejection.raw.length] : [i.kind]))).toEqual([
    ['header'], ['row', 2, '1'], ['OVERSIZED_FIELD', 3, 1000], ['row', 4, '3'],
  ]);
});

test('CSV: a quoted field holding a CRLF (or a stray CR) does not shift the line numbers of the rows after it', async () => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'readers-')), 'episodes.csv');
  // Lines 2–3 are one row with a CRLF inside quotes; line 4 holds a stray CR.
  fs.writeFileSync(file, 'a,b\r\n1,"two\r\nlines"\r\n3,c\rr\r\n4,d\r\n5,"e\r\n\r\nf"\r\n6,g\n');
  const items = [];
  for await (const item of readCsv(file)) items.push(item);
  expect(items.map((i) => (i.kind === 'row' ? ['row', i.line, i.values.a] : i.kind === 'rejection' ? [i.rejection.code, i.rejection.line] : [i.kind]))).toEqual([
    ['header'], ['row', 3, '1'], ['row', 4, '3'], ['row', 5, '4'], ['row', 8, '5'], ['row', 9, '6'],
  ]);
});
