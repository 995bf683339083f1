/**
 * Who a principal is decides what it may do through one function, `ownAgency` (and the requirements
 * built on it). The agency code a token claims is read only in src/access/principal.ts, where
 * `claimedAgency` names it for the record of who did something: a new decision on the claimed code
 * (an LA's education service signing as the LA) fails here.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const ALLOWED = new Set(['src/access/principal.ts']);
/** `principal.agency`, `ctx.principal.agency`, or `{ agency } = principal`; never `agencyKind`. */
const READS = [/\bprincipal\??\.agency\b(?!Kind)/, /\{[^}]*\bagency\b[^}]*\}\s*=\s*(?:\w+\.)*principal\b/];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}

test('no code outside principal.ts reads the agency a token claims', () => {
  const offenders = ['src', 'connectors', 'bench'].flatMap((d) => sources(path.join(ROOT, d)))
    .map((f) => path.relative(ROOT, f))
    .filter((f) => !ALLOWED.has(f))
    .flatMap((f) => fs.readFileSync(path.join(ROOT, f), 'utf8').split('\n').map((line, i) => ({ f, line, i })))
    .filter(({ line }) => READS.some((re) => re.test(line)))
    .map(({ f, i, line }) => `${f}:${i + 1}: ${line.trim()}`);
  expect(offenders).toEqual([]);
});
