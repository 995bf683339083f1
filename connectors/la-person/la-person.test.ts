import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Item, PurgeRecord } from '../kit/contract';
import { collect, conformanceSuite } from '../kit/conformance';
import { laPerson, type LaPersonRecord } from './index';

function csv(name: string, content: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'la-person-')), name);
  fs.writeFileSync(file, content);
  return file;
}
const records = (items: Item<LaPersonRecord | PurgeRecord>[]) => items.flatMap((i) => (i.kind === 'record' && i.record.type !== 'purge' ? [i.record as LaPersonRecord] : []));
const rejections = (items: Item<LaPersonRecord | PurgeRecord>[]) => items.flatMap((i) => (i.kind === 'rejection' ? [i.rejection] : []));

const PERSON = 'pers_person_id,pers_forename,pers_surname,pers_sex,pers_dob,pers_dob_precision,pers_nationality,pers_upn,pers_common_child_id\n';

test('the six files are told apart by header and parse', async () => {
  const items = await collect(laPerson, [
    csv('person.csv', `${PERSON}C886-0412,Anh,Nguyen,M,2009-03-15,DAY,VNM,UN2,943 476 5919\n`),
    csv('linked_identifiers.csv', 'link_person_id,link_identifier_type,link_identifier_value,link_valid_from_date,link_valid_to_date\nC886-0412,Home Office Registration,b1234567,2026-02-21,\nC886-0412,PNC ID,19/123456E,,\n'),
    csv('aliases.csv', 'person_id,forename,surname,full_name,name_type\nC886-0412,Van Anh,,,ASSERTED\n'),
    csv('contacts.csv', 'person_id,kind,platform,value,recorded_at,note\nC886-0412,PHONE,,07700 900123,2026-02-22T10:00:00Z,given by the child\nC886-0412,SOCIAL_MEDIA,TikTok,@Van.Anh,,\n'),
    csv('plan.csv', 'person_id,item,status,recorded_at,note\nC886-0412,PHOTOGRAPH,DONE,2026-02-22,\nC886-0412,ukvi_informed,NOT_DONE,,\n'),
    csv('consent.csv', 'person_id,consent_id,given_by,categories,recipients,purpose,given_at,expires_at,withdrawn_at\nC886-0412,CON-1,CHILD,IDENTITY;CONTACT,POLICE;NCA,finding me if I go missing,2026-02-22,2027-02-22,\n'),
  ]);
  expect(rejections(items)).toEqual([]);
  const byType = records(items).map((r) => r.type);
  expect(byType).toEqual(['person', 'identifier', 'identifier', 'alias', 'contact', 'contact', 'plan', 'plan', 'consent']);
  const person = records(items)[0] as Extract<LaPersonRecord, { type: 'person' }>;
  expect(person.identifiers.map((i) => [i.scheme, i.canonical, i.check])).toEqual([['NHS_NUMBER', '9434765919', 'VALID']]); // UN2: no UPN
  expect(records(items)[1]).toMatchObject({ identifier: { scheme: 'HO_REF', canonical: 'B1234567' }, validFrom: '2026-02-21' });
  expect(records(items)[2]).toMatchObject({ identifier: { scheme: 'PNC_ID', canonical: '2019/0123456E', check: 'VALID' } });
  expect(records(items)[5]).toMatchObject({ contact: { canonical: 'tiktok:van.anh' } });
  expect(records(items)[7]).toMatchObject({ item: 'UKVI_INFORMED', status: 'NOT_DONE' });
  expect(records(items)[8]).toMatchObject({ categories: ['IDENTITY', 'CONTACT'], recipients: ['POLICE', 'NCA'], givenAt: '2026-02-22T00:00:00.000Z' });
});

test('bad rows are rejected with their column', async () => {
  const items = await collect(laPerson, [
    csv('plan.csv', 'person_id,item,status,recorded_at,note\nC1,PASSPORT_PHOTO,DONE,,\n'),
    csv('consent.csv', 'person_id,consent_id,given_by,categories,recipients,purpose,given_at,expires_at,withdrawn_at\nC1,CON-2,CHILD,IDENTITY;GOSSIP,POLICE,,2026-02-22,,\nC1,CON-3,CHILD,IDENTITY,POLICE,,2026-02-22,2026-01-01,\n'),
    csv('person.csv', `${PERSON}C2,,,M,2009-02-30,,,,\n`),
  ]);
  expect(rejections(items).map((r) => [r.file, r.line, r.field, r.code])).toEqual([
    ['plan.csv', 2, 'item', 'UNKNOWN_CODE'],
    ['consent.csv', 2, 'categories', 'UNKNOWN_CODE'],
    ['consent.csv', 3, 'expires_at', 'DATES_OUT_OF_ORDER'],
    ['person.csv', 2, 'pers_forename', 'MISSING_VALUE'],
  ]);
});

test('dates: ISO and the UK dd/mm/yyyy are both read; anything else is rejected naming both forms', async () => {
  const items = await collect(laPerson, [
    csv('person.csv', `${PERSON}C1,Anh,Nguyen,M,15/03/2009,DAY,VNM,,\nC2,Minh,Tran,M,2009-03-16,DAY,VNM,,\nC3,Lan,Pham,F,2009/03/17,DAY,VNM,,\nC4,Hoa,Le,F,31/02/2009,DAY,VNM,,\n`),
    csv('linked_identifiers.csv', 'link_person_id,link_identifier_type,link_identifier_value,link_valid_from_date,link_valid_to_date\nC1,Home Office Registration,b1234567,21/02/2026,01/03/2026\n'),
    csv('plan.csv', 'person_id,item,status,recorded_at,note\nC1,PHOTOGRAPH,DONE,22/02/2026,\n'),
  ]);
  expect(records(items)).toEqual([
    expect.objectContaining({ type: 'person', child: 'C1', dob: { value: '2009-03-15', precision: 'DAY' } }),
    expect.objectContaining({ type: 'person', child: 'C2', dob: { value: '2009-03-16', precision: 'DAY' } }),
    expect.objectContaining({ type: 'identifier', validFrom: '2026-02-21', validTo: '2026-03-01' }),
    expect.objectContaining({ type: 'plan', recordedAt: '2026-02-22T00:00:00.000Z' }),
  ]);
  expect(rejections(items).map((r) => [r.line, r.field, r.code, r.reason])).toEqual([
    [4, 'pers_dob', 'BAD_DATE', 'expected yyyy-mm-dd or dd/mm/yyyy, received "2009/03/17"'],
    [5, 'pers_dob', 'BAD_DATE', 'expected yyyy-mm-dd or dd/mm/yyyy, received "31/02/2009"'],
  ]);
});

describe('conformance', () => {
  conformanceSuite(laPerson, { file: 'aliases.csv', header: 'person_id,forename,surname,full_name,name_type', rows: ['C1,Van Anh,,,ASSERTED', 'C1,,,Anh Van Nguyen,ALTERNATE'] });
});
