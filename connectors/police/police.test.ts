import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Item, PurgeRecord } from '../kit/contract';
import { collect, jsonlConformanceSuite } from '../kit/conformance';
import { police, type PoliceRecord } from './index';

// The examples of feeds.md §3.
const PERSON = '{"type":"person","person_ref":"P-0001","names":[{"given":"Van Anh","family":"Nguyen","full":null,"kind":"ASSERTED"}],"dob":"2009-01-01","dob_precision":"YEAR","sex":"M","nationality":"VNM","identifiers":[{"scheme":"PNC_ID","value":"2019/0123456E"},{"scheme":"CRO","value":"012345/19R"}],"biometrics":[{"modality":"FINGERPRINT","repository":"IDENT1","reference":"ID1-88213377"}],"contacts":[{"kind":"PHONE","value":"07700 900123"}],"updated_at":"2026-03-01T10:00:00Z"}';
const REPORT = '{"type":"missing_report","report_ref":"MIS-26-0001","person_ref":"P-0001","reported_at":"2026-03-02T08:00:00Z","last_seen_at":"2026-03-01T21:00:00Z","last_seen_location":"Croydon","missing_from_la":"LA-213","risk":[{"level":"HIGH","graded_at":"2026-03-02T08:10:00Z"}],"ukmpu_notified_at":null,"found_at":null,"found_location":null,"found_by":null,"updated_at":"2026-03-02T08:10:00Z"}';
const CUSTODY = '{"type":"custody","custody_ref":"CUS-26-0042","person_ref":"P-0002","arrested_at":"2026-05-10T04:30:00Z","location":"Bradford","offence":"cannabis cultivation","fingerprints_taken":true,"updated_at":"2026-05-10T05:00:00Z"}';

function jsonl(lines: string[]): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'police-')), 'police.jsonl');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
const records = (items: Item<PoliceRecord | PurgeRecord>[]) => items.flatMap((i) => (i.kind === 'record' && i.record.type !== 'purge' ? [i.record as PoliceRecord] : []));
const rejections = (items: Item<PoliceRecord | PurgeRecord>[]) => items.flatMap((i) => (i.kind === 'rejection' ? [i.rejection] : []));

test('the feeds.md examples parse, identifiers verified and the phone in E.164', async () => {
  const items = records(await collect(police, [jsonl([PERSON, REPORT, CUSTODY])]));
  expect(items.map((r) => r.type)).toEqual(['person', 'missing_report', 'custody']);
  const person = items[0] as Extract<PoliceRecord, { type: 'person' }>;
  expect(person.facts.identifiers.map((i) => [i.scheme, i.canonical, i.check])).toEqual([['PNC_ID', '2019/0123456E', 'VALID'], ['CRO', '012345/19R', 'VALID']]);
  expect(person.facts.contacts).toEqual([{ kind: 'PHONE', platform: null, value: '07700 900123', canonical: '+447700900123' }]);
  expect(person.facts.dob).toEqual({ value: '2009-01-01', precision: 'YEAR' });
  expect(items[1]).toMatchObject({ risk: [{ level: 'HIGH', gradedAt: '2026-03-02T08:10:00.000Z' }], foundAt: null });
});

test('a bad check letter is kept unverified, with a warning', async () => {
  const items = await collect(police, [jsonl([PERSON.replace('2019/0123456E', '2019/0123456F')])]);
  expect(items[0]).toMatchObject({ kind: 'record', warnings: [{ code: 'BAD_IDENTIFIER', field: 'identifiers[0].value' }] });
  expect((records(items)[0] as Extract<PoliceRecord, { type: 'person' }>).facts.identifiers[0]!.check).toBe('INVALID');
});

test('rejections name the JSON field path', async () => {
  const items = await collect(police, [jsonl([
    REPORT.replace('"HIGH"', '"SEVERE"'),
    REPORT.replace('MIS-26-0001', 'MIS-2').replace('"found_at":null', '"found_at":"2026-02-01T00:00:00Z"'),
    PERSON.replace('"dob":"2009-01-01"', '"dob":"2009-02-31"').replace('P-0001', 'P-9'),
    PERSON.replace(/"names":\[[^\]]*\]/, '"names":[]').replace('P-0001', 'P-8'),
  ])]);
  expect(rejections(items).map((r) => [r.line, r.field, r.code])).toEqual([
    [1, 'risk[0].level', 'UNKNOWN_CODE'],
    [2, 'found_at', 'DATES_OUT_OF_ORDER'],
    [3, 'dob', 'BAD_DATE'],
    [4, 'names', 'MISSING_VALUE'],
  ]);
});

describe('conformance', () => {
  jsonlConformanceSuite(police, { file: 'police.jsonl', lines: [PERSON, CUSTODY] });
});
