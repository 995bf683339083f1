import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe as describeRejection, type Item } from '../kit/contract';
import { collect, conformanceSuite } from '../kit/conformance';
import { ssda903, type Ssda903Record } from './index';

const SAMPLES = path.resolve(__dirname, '../../../shared/data/ssda903');
const sample = (name: string) => path.join(SAMPLES, name);

function csv(name: string, content: string): string {
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
