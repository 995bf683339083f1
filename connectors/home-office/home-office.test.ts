import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Item, PurgeRecord } from '../kit/contract';
import { collect, jsonlConformanceSuite } from '../kit/conformance';
import { homeOffice, type HomeOfficeRecord } from './index';

// feeds.md §4, with the passport's first MRZ line at its ICAO length (44; the page shows 45).
const MRZ = ['P<VNMNGUYEN<VAN<<ANH<<<<<<<<<<<<<<<<<<<<<<<<', 'C123456788VNM0903156M3001019<<<<<<<<<<<<<<02'];
const person = (mrz: string[] = MRZ) => JSON.stringify({
  type: 'person', person_ref: 'HO-B1234567', names: [{ given: 'Anh', family: 'Nguyen Van', kind: 'LEGAL' }], dob: '2009-03-15', dob_precision: 'MONTH', sex: 'M', nationality: 'VNM',
  identifiers: [{ scheme: 'HO_REF', value: 'B1234567' }, { scheme: 'CID_PERSON_ID', value: '12345678' }, { scheme: 'UAN', value: '1234-5678-9012-3456' }],
  biometrics: [{ modality: 'FINGERPRINT', repository: 'IABS', reference: 'IABS-55120931' }, { modality: 'PHOTO', repository: 'IABS', reference: 'IMG-55120931' }],
  documents: [{ mrz }], age_dispute: { claimed_dob: '2009-03-15', status: 'DISPUTED', assessed_at: null, merton_compliant: null }, updated_at: '2026-02-20T12:00:00Z',
});
const ENCOUNTER = '{"type":"encounter","encounter_ref":"ENC-1","person_ref":"HO-B1234567","at":"2026-02-20T11:00:00Z","kind":"PORT_ARRIVAL","location":"Dover","unaccompanied":true,"referred_to_la":"LA-886","border_flag_set":false,"updated_at":"2026-02-20T12:00:00Z"}';
const STATUS = '{"type":"status","person_ref":"HO-B1234567","asylum_claimed_at":"2026-02-21","status":"PENDING","decided_at":null,"leave_expires_at":null,"updated_at":"2026-02-21T09:00:00Z"}';
const NRM = '{"type":"nrm","nrm_ref":"NRM-26-77","person_ref":"HO-B1234567","referred_at":"2026-02-22","first_responder":"LA-886","competent_authority":"SCA","exploitation_types":["CRIMINAL"],"rg":{"outcome":"POSITIVE","at":"2026-02-27"},"cg":{"outcome":"PENDING","at":null},"updated_at":"2026-02-27T09:00:00Z"}';

function jsonl(lines: string[]): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ho-')), 'home-office.jsonl');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
const records = (items: Item<HomeOfficeRecord | PurgeRecord>[]) => items.flatMap((i) => (i.kind === 'record' && i.record.type !== 'purge' ? [i.record as HomeOfficeRecord] : []));

test('the feeds.md records parse; the passport number verifies and becomes an identifier', async () => {
  const items = await collect(homeOffice, [jsonl([person(), ENCOUNTER, STATUS, NRM])]);
  expect(records(items).map((r) => r.type)).toEqual(['person', 'encounter', 'status', 'nrm']);
  const p = records(items)[0] as Extract<HomeOfficeRecord, { type: 'person' }>;
  expect(p.facts.identifiers.map((i) => [i.scheme, i.canonical, i.check])).toEqual([
    ['HO_REF', 'B1234567', 'NOT_CHECKABLE'], ['CID_PERSON_ID', '012345678', 'NOT_CHECKABLE'], ['UAN', '1234-5678-9012-3456', 'NOT_CHECKABLE'], ['PASSPORT', 'C12345678', 'VALID'],
  ]);
  expect(p.ageDispute).toEqual({ claimedDob: '2009-03-15', status: 'DISPUTED', assessedAt: null, mertonCompliant: null });
  expect(records(items)[3]).toMatchObject({ reasonableGrounds: 'POSITIVE', reasonableGroundsAt: '2026-02-27', conclusiveGrounds: 'PENDING', exploitationTypes: ['CRIMINAL'] });
  expect(items.every((i) => i.kind === 'record' && i.warnings.length === 0)).toBe(true);
});

test('a passport number whose check digit fails is kept unverified, with a warning', async () => {
  const items = await collect(homeOffice, [jsonl([person([MRZ[0]!, MRZ[1]!.replace('C123456788', 'C123456787')])])]);
  const p = records(items)[0] as Extract<HomeOfficeRecord, { type: 'person' }>;
  expect(p.facts.identifiers.at(-1)).toMatchObject({ scheme: 'PASSPORT', canonical: 'C12345678', check: 'INVALID' });
  expect(items[0]).toMatchObject({ warnings: [{ code: 'BAD_IDENTIFIER', field: 'documents[0].mrz' }] });
});

test('an MRZ of the wrong length (as printed in feeds.md) keeps the person, without a document identifier', async () => {
  const items = await collect(homeOffice, [jsonl([person([`${MRZ[0]}<`, MRZ[1]!])])]);
  const p = records(items)[0] as Extract<HomeOfficeRecord, { type: 'person' }>;
  expect(p.facts.identifiers.map((i) => i.scheme)).not.toContain('PASSPORT');
  expect(items[0]).toMatchObject({ warnings: [{ code: 'BAD_IDENTIFIER', message: expect.stringMatching(/^MRZ not readable/) }] });
});

test('a decision before its referral is out of order', async () => {
  const items = await collect(homeOffice, [jsonl([NRM.replace('"2026-02-27"}', '"2026-02-01"}')])]);
  expect(items).toMatchObject([{ kind: 'rejection', rejection: { field: 'rg.at', code: 'DATES_OUT_OF_ORDER', line: 1 } }]);
});

describe('conformance', () => {
  jsonlConformanceSuite(homeOffice, { file: 'home-office.jsonl', lines: [ENCOUNTER, NRM] });
});
