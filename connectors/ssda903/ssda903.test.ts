import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe as describeRejection, type Item } from '../kit/contract';
import { collect, conformanceSuite } from '../kit/conformance';
import { ssda903, type Ssda903Record } from './index';

const SAMPLES = path.resolve(__dirname, '../../data/ssda903');
const sample = (name: string) => path.join(SAMPLES, name);

function csv(name: string, content: string | Buffer): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ssda903-')), name);
  fs.writeFileSync(file, content);
  return file;
}

const records = (items: Item<Ssda903Record>[]) => items.flatMap((i) => (i.kind === 'record' ? [i.record] : []));
const rejections = (items: Item<Ssda903Record>[]) => items.flatMap((i) => (i.kind === 'rejection' ? [i.rejection] : []));

describe('the DfE samples', () => {
  test('every line of the four tables is read, as a record or a rejection', async () => {
    const files = ['header.csv', 'episodes.csv', 'missing.csv', 'uasc.csv'].map(sample);
    const lines = files.reduce((n, f) => n + fs.readFileSync(f, 'utf8').trim().split('\n').length - 1, 0);
    const items = await collect(ssda903, files);
    expect(items).toHaveLength(lines);
    const byType = records(items).reduce<Record<string, number>>((m, r) => ({ ...m, [r.type]: (m[r.type] ?? 0) + 1 }), {});
    expect(byType.child).toBe(2675);
    expect(byType.missing).toBe(43);
    expect(byType.uasc).toBe(132);
    expect((byType.episode ?? 0) + rejections(items).length).toBe(5050);
  });

  test('dates become ISO, codes become words, placement postcodes are kept for the sealed store', async () => {
    const items = records(await collect(ssda903, [sample('episodes.csv'), sample('missing.csv')]));
    expect(items).toContainEqual(expect.objectContaining({ type: 'episode', key: '566910/2017-08-14', decom: '2017-08-14', dec: null, plPost: 'WV27 9FW', place: 'A3' }));
    expect(items).toContainEqual({ type: 'missing', key: '510000/2017-11-13', child: '510000', dob: '2002-03-12', kind: 'AWAY', start: '2017-11-13', end: '2017-11-25' });
  });
});

describe('rows the DfE rules refuse', () => {
  const header = 'CHILD,DOB,MISSING,MIS_START,MIS_END';
  test('an impossible date: the message names file, line, column and value', async () => {
    const items = await collect(ssda903, [csv('missing.csv', `${header}\n1,12/03/2010,M,31/02/2019,\n`)]);
    const [rejection] = rejections(items);
    expect(describeRejection('ssda903', rejection!)).toBe('[connector:ssda903] missing.csv line 2, column MIS_START: expected dd/mm/yyyy, received "31/02/2019"');
    expect(rejection!.raw).toBe('1,12/03/2010,M,31/02/2019,');
  });
  test('an episode that ends before it starts', async () => {
    const items = await collect(ssda903, [csv('episodes.csv', 'CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n1,10/05/2020,L,C2,N1,U1,PR1,01/05/2020,X1,,,,\n')]);
    expect(rejections(items)).toMatchObject([{ code: 'DATES_OUT_OF_ORDER', field: 'DEC', line: 2 }]);
  });
  test('an unknown code in MISSING rejects; in PLACE it warns and keeps the row', async () => {
    const missing = await collect(ssda903, [csv('missing.csv', `${header}\n1,12/03/2010,X,01/02/2019,\n`)]);
    expect(rejections(missing)).toMatchObject([{ code: 'UNKNOWN_CODE', field: 'MISSING' }]);
    const episodes = await collect(ssda903, [csv('episodes.csv', 'CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n1,10/05/2020,L,C2,N1,Q9,PR1,,,,,,\n')]);
    expect(episodes).toMatchObject([{ kind: 'record', warnings: [{ code: 'UNKNOWN_CODE', field: 'PLACE' }] }]);
  });
  test('overlapping missing periods are kept and flagged (rule 574); an open one stays open', async () => {
    const items = await collect(ssda903, [csv('missing.csv', `${header}\n1,12/03/2010,M,01/02/2019,10/02/2019\n1,12/03/2010,A,05/02/2019,\n`)]);
    expect(records(items)).toHaveLength(2);
    expect(items[1]).toMatchObject({ kind: 'record', record: { end: null }, warnings: [{ code: 'OVERLAPPING_PERIOD' }] });
  });
  test('a required value missing', async () => {
    const items = await collect(ssda903, [csv('missing.csv', `${header}\n1,12/03/2010,M,,\n`)]);
    expect(rejections(items)).toMatchObject([{ code: 'MISSING_VALUE', field: 'MIS_START' }]);
  });
  test('a table without one of its columns', async () => {
    const items = await collect(ssda903, [csv('missing.csv', `CHILD,MISSING,MIS_START,MIS_END\n1,M,01/02/2019,\n`)]);
    expect(rejections(items)).toMatchObject([{ code: 'MISSING_COLUMN', field: 'DOB' }]);
  });
  test('UPN: unknown codes are no identifier; a bad check letter is kept unverified', async () => {
    const items = records(await collect(ssda903, [csv('header.csv', 'CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,1,01/01/2010,WBRI,UN2,,\n2,2,01/01/2010,WBRI,D051910639385,,\n')]));
    expect(items[0]).toMatchObject({ upn: undefined, upnCode: 'UN2' });
    expect(items[1]).toMatchObject({ upn: { check: 'INVALID' } });
  });
});

describe('conformance', () => {
  conformanceSuite(ssda903, { file: 'missing.csv', header: 'CHILD,DOB,MISSING,MIS_START,MIS_END', rows: ['1,12/03/2010,M,13/11/2017,25/11/2017', '2,12/03/2010,A,14/11/2017,'] });
});

describe('XML (EXPSSDA903)', () => {
  const child = (id: string, decom = '06/01/2017') =>
    `<CHILD><HEADER><CHILDID>${id}</CHILDID><UPN>UN1</UPN><SEX>1</SEX><DOB>28/07/2010</DOB><ETHNIC>BAFR</ETHNIC><UASC>1</UASC><DUC>28/07/2028</DUC>` +
    `<AMISSING><MISSING>M</MISSING><MIS_START>01/02/2017</MIS_START><MIS_END /></AMISSING></HEADER>` +
    `<EPISODE><DECOM>${decom}</DECOM><RNE>T</RNE><LS>J3</LS><CIN>N4</CIN><PL>R5</PL><PL_POST>E7 5YR</PL_POST><HOME_POST /><URN /><PLACE_PROVIDER>PR2</PLACE_PROVIDER><DEC /><REC /><REASON_PLACE_CHANGE /></EPISODE></CHILD>`;
  const xml = (body: string) => csv('return.xml', `<?xml version='1.0' encoding='utf-8'?>\n<EXPSSDA903>${body}</EXPSSDA903>\n`);

  test('the DfE sample: 253 children, their episodes, 6 missing periods, 12 UASC', async () => {
    const items = await collect(ssda903, [sample('fake_903.xml')]);
    const byType = records(items).reduce<Record<string, number>>((m, r) => ({ ...m, [r.type]: (m[r.type] ?? 0) + 1 }), {});
    expect(byType).toEqual({ child: 253, episode: 459, missing: 6, uasc: 12 });
    expect(rejections(items)).toEqual([]);
  });

  test('one child becomes the rows of the four tables; an open missing period stays open', async () => {
    const items = records(await collect(ssda903, [xml(child('907440'))]));
    expect(items.map((r) => r.type)).toEqual(['child', 'uasc', 'missing', 'episode']);
    expect(items[2]).toMatchObject({ type: 'missing', start: '2017-02-01', end: null });
    expect(items[3]).toMatchObject({ type: 'episode', place: 'R5', plPost: 'E7 5YR', decom: '2017-01-06' });
  });

  test('a bad value is rejected with its element path; the rest of the child is kept', async () => {
    const items = await collect(ssda903, [xml(child('1') + child('2', '31/02/2017'))]);
    expect(rejections(items)).toMatchObject([{ code: 'BAD_DATE', field: 'DECOM', path: '/EXPSSDA903/CHILD[2]/EPISODE[1]', file: 'return.xml' }]);
    expect(records(items)).toHaveLength(7);
  });

  test('XML that is not well formed: what came before is kept, then one MALFORMED_XML rejection', async () => {
    const items = await collect(ssda903, [xml(child('1') + '<CHILD><HEADER><CHILDID>2</CHILDID></HEADR></CHILD>')]);
    expect(records(items)).toHaveLength(4);
    expect(rejections(items)).toMatchObject([{ code: 'MALFORMED_XML', file: 'return.xml' }]);
  });

  test('a file cut off mid-child', async () => {
    const file = csv('cut.xml', `<EXPSSDA903>${child('1')}${child('2').slice(0, 60)}`);
    const items = await collect(ssda903, [file]);
    expect(records(items)).toHaveLength(4);
    expect(rejections(items)).toMatchObject([{ code: 'MALFORMED_XML' }]);
  });

  test('an element nested 100,000 deep: one TOO_DEEP rejection at its path; the next child is read', async () => {
    const deep = child('1').replace('<HOME_POST />', `${'<X>'.repeat(100_000)}${'</X>'.repeat(100_000)}`);
    const items = await collect(ssda903, [xml(deep + child('2'))]);
    expect(rejections(items)).toMatchObject([{ code: 'TOO_DEEP', path: '/EXPSSDA903/CHILD[1]', line: 2, file: 'return.xml' }]);
    expect(records(items).map((r) => r.child)).toEqual(['2', '2', '2', '2']);
  });

  test('XML declared ISO-8859-1 is read in that encoding', async () => {
    const body = `<?xml version="1.0" encoding="ISO-8859-1"?>\n<EXPSSDA903>${child('1').replace('<UPN>', '<NOTE>Zoé Müller</NOTE><UPN>')}</EXPSSDA903>\n`;
    const items = await collect(ssda903, [csv('latin1.xml', Buffer.from(body, 'latin1'))]);
    expect(rejections(items)).toEqual([]);
    expect(records(items)).toHaveLength(4);
  });

  test('XML in an encoding harbour cannot read: one clear rejection, nothing misread', async () => {
    const items = await collect(ssda903, [csv('ebcdic.xml', `<?xml version="1.0" encoding="EBCDIC-CP-US"?>\n<EXPSSDA903>${child('1')}</EXPSSDA903>\n`)]);
    expect(records(items)).toEqual([]);
    expect(rejections(items)).toMatchObject([{ code: 'UNKNOWN_ENCODING', file: 'ebcdic.xml', reason: expect.stringContaining('EBCDIC-CP-US') }]);
  });

  test('an empty XML file', async () => {
    expect(rejections(await collect(ssda903, [csv('empty.xml', '')]))).toMatchObject([{ code: 'EMPTY_FILE' }]);
  });
});
