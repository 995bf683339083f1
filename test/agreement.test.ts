/** The sharing agreement file: read and validated at start; a fault names the file and line. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataCategory, parseAgreement, readAgreement, ruleFor } from '../src/access';
import { assertBuilt, harbour } from './support/processes';

const shipped = readAgreement();
const text = fs.readFileSync(shipped.source, 'utf8');

test('the shipped agreement is valid, versioned, and says what the README says', () => {
  expect(shipped.version).toMatch(/^\d{4}-\d{2}-\d{2}\.\d+$/);
  const police = { agencyKind: 'POLICE' as const, roles: ['OFFICER' as const] };
  expect(ruleFor(shipped, police, DataCategory.MISSING)).toBe('ALWAYS');
  expect(ruleFor(shipped, police, DataCategory.LOCATION)).toBe('WITH_BASIS');
  expect(ruleFor(shipped, police, DataCategory.HEALTH)).toBe('NEVER');
  expect(ruleFor(shipped, { agencyKind: 'IMMIGRATION', roles: ['CASEWORKER'] }, DataCategory.LOCATION)).toBe('NEVER');
  // A role row overrides the kind's "*" row; several roles get the most permissive.
  expect(ruleFor(shipped, { agencyKind: 'POLICE', roles: ['SYSTEM'] }, DataCategory.IDENTITY)).toBe('NEVER');
  expect(ruleFor(shipped, { agencyKind: 'POLICE', roles: ['SYSTEM', 'OFFICER'] }, DataCategory.IDENTITY)).toBe('ALWAYS');
});

const header = '# version: 1\nagency_kind,role,category,rule,note\n';
const lines = text.split('\n').filter((l) => /^[A-Z_]+,/.test(l));

test.each([
  ['no version line', text.replace(/^# version:.*$/m, ''), /no "# version: …" line/],
  ['a wrong header', `# version: 1\nkind,role,category,rule\n${lines.join('\n')}`, /:2: the header must be agency_kind,role,category,rule/],
  ['an unknown agency kind', `${header}${lines.join('\n')}\nPROBATION,*,IDENTITY,ALWAYS,`, new RegExp(`:${lines.length + 3}: unknown agency kind "PROBATION"`)],
  ['an unknown role', `${header}POLICE,CHIEF,IDENTITY,ALWAYS,\n${lines.join('\n')}`, /:3: unknown role "CHIEF"/],
  ['an unknown category', `${header}POLICE,*,SHOE_SIZE,ALWAYS,\n${lines.join('\n')}`, /:3: unknown category "SHOE_SIZE"/],
  ['an unknown rule', `${header}POLICE,OFFICER,HEALTH,SOMETIMES,\n${lines.join('\n')}`, /:3: unknown rule "SOMETIMES"/],
  ['a duplicate row', `${header}${lines[0]}\n${lines.join('\n')}`, /:4: a second row for CHILDRENS_SERVICES, \*, IDENTITY/],
  ['a missing "*" row', `${header}${lines.filter((l) => !l.startsWith('NCA,*,HEALTH,')).join('\n')}`, /no "\*" role row for NCA HEALTH/],
])('%s is refused', (_, content, message) => {
  expect(() => parseAgreement(content, 'x.csv')).toThrow(message);
});

test('harbour serve refuses to start on a faulty agreement, naming the file and line', async () => {
  assertBuilt();
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'agreement-')), 'agreement.csv');
  fs.writeFileSync(file, `${header}POLICE,*,IDENTITY,MAYBE,\n`);
  const serve = harbour(['serve', '--port', '0'], { HARBOUR_AGREEMENT_FILE: file, HARBOUR_ENV: 'test' });
  expect(await serve.exited).not.toBe(0);
  expect(serve.output()).toContain(`sharing agreement ${file}:3: unknown rule "MAYBE"`);
  expect(serve.output()).not.toMatch(/listening/);
}, 30_000);
