import fs from 'node:fs';
import path from 'node:path';
import { canonicalCro, canonicalHandle, canonicalIdentifier, canonicalNhs, canonicalPhone, canonicalPnc, canonicalUpn, expandYear, mrzCheckDigit } from './identifiers';

const JAN_2026 = new Date('2026-01-15T00:00:00Z');

describe('PNC ID', () => {
  test.each([
    ['2019/0123456E', '2019/0123456E'],
    ['19/123456E', '2019/0123456E'],
    [' 2019/0123456e ', '2019/0123456E'],
  ])('%s is valid as %s', (raw, canonical) => {
    expect(canonicalPnc(raw, JAN_2026)).toEqual({ scheme: 'PNC_ID', raw, canonical, check: 'VALID' });
  });
  test('a wrong check letter is kept, unverified, with the letter it should have', () => {
    expect(canonicalPnc('2019/0123456F', JAN_2026)).toEqual({ scheme: 'PNC_ID', raw: '2019/0123456F', canonical: '2019/0123456F', check: 'INVALID', warning: 'check letter F should be E' });
  });
  test('a value without the shape is kept as INVALID with the reason', () => {
    expect(canonicalPnc('abc', JAN_2026)).toMatchObject({ check: 'INVALID', canonical: 'ABC', warning: 'expected YYYY/NNNNNNNC, received "abc"' });
  });
  test('short years expand against the current year', () => {
    expect(expandYear('26', JAN_2026)).toBe('2026');
    expect(expandYear('27', JAN_2026)).toBe('1927');
    expect(canonicalPnc('98/1234Z', JAN_2026).canonical).toBe('1998/0001234Z');
  });
});

describe('CRO', () => {
  test('012345/19R is valid', () => expect(canonicalCro('012345/19R')).toMatchObject({ canonical: '012345/19R', check: 'VALID' }));
  test('a short serial is padded', () => expect(canonicalCro('12345/19R')).toMatchObject({ canonical: '012345/19R', check: 'VALID' }));
  test('a wrong letter is INVALID', () => expect(canonicalCro('012345/19S')).toMatchObject({ check: 'INVALID', warning: 'check letter S should be R' }));
  test('Scottish SF form: serial not padded in the canonical form, padded for the check', () => {
    const letter = 'ZABCDEFGHJKLMNPQRTUVWXY'[Number('19012345') % 23];
    expect(canonicalCro(`SF19/12345${letter}`)).toMatchObject({ canonical: `SF19/12345${letter}`, check: 'VALID' });
    expect(canonicalCro('sf19/012345' + letter)).toMatchObject({ canonical: `SF19/12345${letter}`, check: 'VALID' });
  });
});

describe('NHS number', () => {
  test.each(['943 476 5919', '9434765919', '401-023-2137'])('%s is valid', (raw) => expect(canonicalNhs(raw).check).toBe('VALID'));
  test('a wrong check digit', () => expect(canonicalNhs('9434765918')).toMatchObject({ check: 'INVALID', warning: 'check digit 8 should be 9' }));
  test('a remainder of 10 is never valid', () => expect(canonicalNhs('1000000010')).toMatchObject({ check: 'INVALID', warning: 'no NHS number can have these first nine digits' }));
  test('not ten digits', () => expect(canonicalNhs('12345')).toMatchObject({ check: 'INVALID' }));
});

describe('UPN', () => {
  // Check letters computed by the DfE rule: weights 2..13 on characters 2–13, mod 23.
  const withCheck = (body: string) => {
    const alphabet = 'ABCDEFGHJKLMNPQRTUVWXYZ';
    let sum = 0;
    for (let i = 0; i < 12; i++) sum += (/\d/.test(body[i]!) ? Number(body[i]) : alphabet.indexOf(body[i]!)) * (i + 2);
    return alphabet[sum % 23] + body;
  };
  test('a permanent UPN with the right letter is valid', () => {
    const upn = withCheck('801200001001');
    expect(canonicalUpn(upn)).toEqual({ scheme: 'UPN', raw: upn, canonical: upn, check: 'VALID' });
  });
  test('a temporary UPN (letter last) is valid', () => expect(canonicalUpn(withCheck('80120000100A'))?.check).toBe('VALID'));
  test('the SSDA903 sample: 107 of its 2,675 header UPNs pass (as its README says)', () => {
    const rows = fs.readFileSync(path.resolve(__dirname, '../../data/ssda903/header.csv'), 'utf8').trim().split('\n').slice(1);
    const upns = rows.map((r) => r.split(',')[4]!).filter((u) => u !== '');
    expect(rows).toHaveLength(2675);
    expect(upns.filter((u) => canonicalUpn(u)?.check === 'VALID')).toHaveLength(107);
  });
  test('UN1–UN7 are not identifiers', () => {
    expect(canonicalUpn('UN1')).toBeUndefined();
    expect(canonicalIdentifier('UPN', 'un5')).toBeUndefined();
  });
});

describe('MRZ check digit (ICAO 9303)', () => {
  test.each([
    ['L898902C3', 6], // the ICAO specimen passport number
    ['740812', 2], // its date of birth
    ['120415', 9], // its expiry
  ])('%s → %d', (field, digit) => expect(mrzCheckDigit(field)).toBe(digit));
});

describe('opaque schemes, phones and handles', () => {
  test('opaque values are trimmed and upper-cased; CID person ids padded to 9', () => {
    expect(canonicalIdentifier('HO_REF', ' b1234567 ')).toEqual({ scheme: 'HO_REF', raw: ' b1234567 ', canonical: 'B1234567', check: 'NOT_CHECKABLE' });
    expect(canonicalIdentifier('CID_PERSON_ID', '12345678')?.canonical).toBe('012345678');
  });
  test('UK phones to E.164', () => {
    expect(canonicalPhone('07700 900123')).toBe('+447700900123');
    expect(canonicalPhone('+44 (0)7700-900123')).toBe('+447700900123');
    expect(canonicalPhone('12')).toBeUndefined();
  });
  test('handles to platform:handle', () => {
    expect(canonicalHandle('Instagram', '@Miri.T')).toBe('instagram:miri.t');
    expect(canonicalHandle('tiktok', 'https://www.tiktok.com/@Van.Anh/')).toBe('tiktok:van.anh');
  });
});
