/**
 * The strategy pack: `GET /strategy-pack/:personId` with the viewer's bearer token answers a
 * printable HTML page (or `?format=json`) of the child's identities and aliases, plan readiness,
 * risk signals, chronology, decisions and actions — built by one GraphQL operation through the
 * gateway, so the same access rules decide and the same audit records every disclosure (and fails
 * closed). Withheld items are visibly marked; their values never reach the page.
 */
import type { ApolloServer } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '../context';
import { ErrorCode, UNAUTHENTICATED_MESSAGE } from '../errors';
import type { Logger } from '../log';
import { codedError, sendJson } from './http';
import { claimedAgency } from '../access';
import { escapeHtml as escape } from '../html';
import { agencyName } from '../agencies';

export const PACK_PATH = '/strategy-pack/';

const PACK_QUERY = `query StrategyPack($id: ID!) { person(id: $id) { id
  identities { agency feed localId names { kind given family full } birthDates { value precision basis } sex nationality }
  safeguarding {
    planReadiness { kind status agency recordedAt }
    riskSignals { kind since detail }
    chronology { at kind agency category record summary due }
    discussions { heldOn convenedBy agencies ownershipAgency ownershipNote decisions actions { description ownerAgency dueOn status overdue } }
    withheldCategories
  }
  possibleMatches(first: 20) { edges { node { grade probability reasons records { agency localId } } } } } }`;

interface Name { kind: string; given: string | null; family: string | null; full: string | null }
interface BirthDate { value: string; precision: string; basis: string }
interface PackData {
  person: {
    id: string;
    identities: { agency: string; feed: string; localId: string | null; names: Name[] | null; birthDates: BirthDate[] | null; sex: string | null; nationality: string | null }[];
    safeguarding: {
      planReadiness: { kind: string; status: string; agency: string | null; recordedAt: string | null }[];
      riskSignals: { kind: string; since: string; detail: string }[];
      chronology: { at: string; kind: string; agency: string; category: string; record: string; summary: string | null; due: boolean }[];
      discussions: { heldOn: string; convenedBy: string; agencies: string[]; ownershipAgency: string | null; ownershipNote: string | null; decisions: string[]; actions: { description: string; ownerAgency: string; dueOn: string; status: string; overdue: boolean }[] }[];
      withheldCategories: string[];
    } | null;
    possibleMatches: { edges: { node: { grade: string; probability: number; reasons: string[]; records: { agency: string; localId: string | null }[] } }[] };
  } | null;
}
type Person = NonNullable<PackData['person']>;

/** The protective marking of every pack (Government Security Classifications): at the top and bottom of every printed page. */
export const PROTECTIVE_MARKING = 'OFFICIAL-SENSITIVE';

/** The pack's one stylesheet; the console's policy allows it by its hash. */
export const PACK_STYLE = `
  body { font: 11pt/1.4 system-ui, sans-serif; margin: 2em; color: #111 }
  h1 { font-size: 16pt; margin-bottom: .2em } h2 { font-size: 13pt; border-bottom: 1px solid #999; margin-top: 1.5em } h3 { font-size: 11pt }
  table { border-collapse: collapse; width: 100%; margin: .5em 0 } th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top }
  .withheld, .status.WITHHELD { background: #eee; border: 1px dashed #666; padding: 0 4px; font-style: italic }
  .absent { color: #555; font-style: italic }
  .status.MISSING, .overdue { color: #a00; font-weight: bold } .due { color: #05a } .none { color: #555 } small { color: #555 }
  /* The page is one table whose head and foot hold the marking: browsers repeat them at the top and bottom of every printed page. */
  table.page, table.page > * > tr > * { border: none; padding: 0; margin: 0 }
  .marking { text-align: center; font-weight: bold; letter-spacing: .1em; padding: .4em 0 !important }
  .child { font-size: 12pt } .printed { color: #333 }
  @media print {
    body { margin: 0 } section { break-inside: avoid } thead { display: table-header-group } tfoot { display: table-footer-group }
  }
`;

const WITHHELD = '<span class="withheld">withheld</span>';
const NOT_RECORDED = '<span class="absent">not recorded</span>';
const words = (code: string) => code.toLowerCase().replace(/_/g, ' ');
const table = (head: string[], rows: string[][]) =>
  rows.length ? `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>` : '<p class="none">None recorded that you may see.</p>';
const agency = (code: string) => (agencyName(code) === code ? escape(code) : `${escape(agencyName(code))} <small>(${escape(code)})</small>`);
const when = (iso: string) => escape(iso.slice(0, 16).replace('T', ' '));

/** The paths the API withheld (`extensions.withheld`), to tell a withheld value from one never recorded. */
export class WithheldPaths {
  private readonly paths: Set<string>;
  constructor(entries: readonly { path: readonly (string | number)[] }[]) {
    this.paths = new Set(entries.map((e) => e.path.join('.')));
  }
  has(...path: (string | number)[]): boolean {
    return this.paths.has(['person', ...path].join('.'));
  }
  /** A value at `path`: withheld when the API says so, "not recorded" when absent, else the value. */
  cell(value: unknown, ...path: (string | number)[]): string {
    if (this.has(...path)) return WITHHELD;
    return value === null || value === undefined || value === '' ? NOT_RECORDED : escape(value);
  }
}

const NAME_RANK: Record<string, number> = { LEGAL: 0, ASSERTED: 1, ALTERNATE: 2, NICKNAME: 3, WEAK: 4 };
const BASIS_RANK: Record<string, number> = { DOCUMENTED: 0, ASSESSED: 1, CLAIMED: 2 };
const PRECISION_RANK: Record<string, number> = { DAY: 0, MONTH: 1, YEAR: 2 };
const nameText = (n: Name) => (n.full ?? [n.given, n.family].filter(Boolean).join(' ')).trim();

/** Whole years from `born` to `at` (UTC dates). */
function yearsBetween(born: Date, at: Date): number {
  let years = at.getUTCFullYear() - born.getUTCFullYear();
  if (at.getUTCMonth() < born.getUTCMonth() || (at.getUTCMonth() === born.getUTCMonth() && at.getUTCDate() < born.getUTCDate())) years -= 1;
  return years;
}

/**
 * Who the pack is about, from what the viewer may see: the best name (a legal name before an
 * asserted one, then alternates), every other name as an alias, and the age from the best date of
 * birth (documented before assessed before claimed, then the most precise), given as a range when
 * the date is only a month or a year.
 */
export function childOf(person: Person, now: Date): { name: string | null; aliases: string[]; age: string | null; dob: BirthDate | null; namesWithheld: boolean; dobWithheld: boolean } {
  const names = person.identities.flatMap((i) => (i.names ?? []).map((n) => ({ ...n, text: nameText(n) }))).filter((n) => n.text)
    .sort((a, b) => (NAME_RANK[a.kind] ?? 9) - (NAME_RANK[b.kind] ?? 9));
  const distinct = [...new Map(names.map((n) => [n.text.toLowerCase(), n.text])).values()];
  const dobs = person.identities.flatMap((i) => i.birthDates ?? [])
    .sort((a, b) => (BASIS_RANK[a.basis] ?? 9) - (BASIS_RANK[b.basis] ?? 9) || (PRECISION_RANK[a.precision] ?? 9) - (PRECISION_RANK[b.precision] ?? 9));
  const dob = dobs[0] ?? null;
  let age: string | null = null;
  if (dob) {
    const first = new Date(`${dob.value.slice(0, 10)}T00:00:00Z`);
    const last = new Date(first);
    if (dob.precision === 'YEAR') last.setUTCFullYear(first.getUTCFullYear(), 11, 31);
    if (dob.precision === 'MONTH') last.setUTCMonth(first.getUTCMonth() + 1, 0);
    const [young, old] = [yearsBetween(last, now), yearsBetween(first, now)];
    age = young === old ? String(old) : `${young}–${old}`;
  }
  return {
    name: distinct[0] ?? null, aliases: distinct.slice(1), age, dob,
    namesWithheld: person.identities.some((i) => i.names === null), dobWithheld: person.identities.some((i) => i.birthDates === null),
  };
}

function dobText(dob: BirthDate): string {
  const shown = dob.precision === 'YEAR' ? dob.value.slice(0, 4) : dob.precision === 'MONTH' ? dob.value.slice(0, 7) : dob.value.slice(0, 10);
  return `${shown}, ${words(dob.basis)}${dob.precision === 'DAY' ? '' : `, ${words(dob.precision)} only`}`;
}

export function renderPack(data: Person, viewer: { agency: string; sub: string }, generatedAt: Date, withheldEntries: readonly { path: readonly (string | number)[] }[] = []): string {
  const view = data.safeguarding;
  const w = new WithheldPaths(withheldEntries);
  const child = childOf(data, generatedAt);
  const printed = `Printed by ${escape(viewer.sub)} (${escape(viewer.agency)}) at ${when(generatedAt.toISOString())} UTC`;
  const identities = data.identities.map((i, k) => [
    agency(i.agency), escape(i.feed), w.cell(i.localId, 'identities', k, 'localId'),
    i.names === null ? (w.has('identities', k, 'names') ? WITHHELD : NOT_RECORDED) : i.names.length ? i.names.map((n) => `${escape(nameText(n))} <small>(${escape(words(n.kind))})</small>`).join('<br>') : NOT_RECORDED,
    i.birthDates === null ? (w.has('identities', k, 'birthDates') ? WITHHELD : NOT_RECORDED) : i.birthDates.length ? i.birthDates.map((b) => `${escape(b.value)} <small>(${escape(words(b.precision))}, ${escape(words(b.basis))})</small>`).join('<br>') : NOT_RECORDED,
    w.cell(i.sex && words(i.sex), 'identities', k, 'sex'), w.cell(i.nationality, 'identities', k, 'nationality'),
  ]);
  const plan = (view?.planReadiness ?? []).map((p) => [
    escape(words(p.kind)),
    `<span class="status ${escape(p.status)}">${p.status === 'WITHHELD' ? 'present — withheld from you' : escape(words(p.status))}</span>`,
    p.agency ? agency(p.agency) : '—',
    p.recordedAt ? escape(p.recordedAt.slice(0, 10)) : p.status === 'PRESENT' ? NOT_RECORDED : '—',
  ]);
  const signals = (view?.riskSignals ?? []).map((s) => [escape(words(s.kind)), when(s.since), escape(s.detail)]);
  const chronology = (view?.chronology ?? []).map((e, k) => [
    e.due ? `<strong class="due">Due ${when(e.at)}</strong>` : when(e.at),
    `${escape(e.summary ?? words(e.kind))}${w.has('safeguarding', 'chronology', k, 'summary') ? ` <span class="withheld">place withheld</span>` : ''}`,
    agency(e.agency),
  ]);
  const discussions = (view?.discussions ?? []).map((d) => `<section class="discussion"><h3>${escape(d.heldOn)} — convened by ${agency(d.convenedBy)} with ${d.agencies.map(agency).join(', ')}</h3>
    <p>Ownership if found elsewhere: ${d.ownershipAgency ? agency(d.ownershipAgency) : '<strong>not agreed</strong>'}${d.ownershipNote ? ` — ${escape(d.ownershipNote)}` : ''}</p>
    ${d.decisions.length ? `<ul>${d.decisions.map((x) => `<li>${escape(x)}</li>`).join('')}</ul>` : ''}
    ${table(['Action', 'Owner', 'Due', 'Status'], d.actions.map((a) => [escape(a.description), agency(a.ownerAgency), escape(a.dueOn), `${escape(words(a.status))}${a.overdue ? ' <strong class="overdue">overdue</strong>' : ''}`]))}</section>`).join('');
  // The other record of each pair is the one not already among this child's identities.
  const mine = new Set(data.identities.map((i) => `${i.agency}|${i.localId}`));
  const pending = data.possibleMatches.edges.map(({ node }, k) => {
    const other = node.records.find((r) => !mine.has(`${r.agency}|${r.localId}`)) ?? node.records[1]!;
    const j = node.records.indexOf(other);
    return [agency(other.agency), w.cell(other.localId, 'possibleMatches', 'edges', k, 'node', 'records', j, 'localId'), escape(words(node.grade)), escape(node.reasons.join('; '))];
  });
  const withheld = view?.withheldCategories ?? [];
  const name = child.name ? escape(child.name) : child.namesWithheld ? 'Name withheld from you' : 'No name recorded';
  const age = child.age !== null && child.dob
    ? `Age ${escape(child.age)} <small>(date of birth ${escape(dobText(child.dob))})</small>`
    : child.dobWithheld ? `Age: ${WITHHELD}` : `Age: ${NOT_RECORDED}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${PROTECTIVE_MARKING} — Strategy pack — ${name}</title>
<style>${PACK_STYLE}</style></head><body>
<table class="page"><thead><tr><th class="marking top">${PROTECTIVE_MARKING}</th></tr></thead>
<tfoot><tr><td class="marking bottom">${PROTECTIVE_MARKING}</td></tr></tfoot>
<tbody><tr><td><main>
<h1>Strategy pack: ${name}</h1>
<p class="child">${age}${child.aliases.length ? `<br>Also known as: ${child.aliases.map(escape).join(', ')}` : ''}</p>
<p class="printed">${printed}. Only what your agency may see is shown; every disclosure is audited. “Withheld” marks what the sharing rules keep from you; “not recorded” what no record you may see holds.${withheld.length ? ` Withheld from you for this child: ${escape(withheld.map(words).join(', '))}.` : ''}</p>
<h2>Identities and aliases</h2>${table(['Agency', 'Feed', 'Local id', 'Names', 'Date of birth', 'Sex', 'Nationality'], identities)}
<h2>Possible other records of this child, not yet confirmed</h2>${pending.length ? `<p>Ask the agency that holds each record; a caseworker decides in harbour whether it is this child.</p>${table(['Agency to ask', 'Their record', 'Grade', 'Why'], pending)}` : '<p class="none">None waiting for a decision.</p>'}
<h2>Risk signals</h2>${table(['Signal', 'Since', 'Detail'], signals)}
<h2>Plan readiness</h2>${table(['Item', 'Status', 'Shown by', 'Recorded'], plan)}
<h2>Chronology</h2>${table(['When', 'What', 'Agency'], chronology)}
<h2>Strategy discussions, decisions and actions</h2>${discussions || '<p class="none">None recorded that you may see.</p>'}
<p class="printed">${printed}. harbour person ${escape(data.id)}.</p>
</main></td></tr></tbody></table>
</body></html>`;
}

/** The route: authenticate, run the pack's one operation through the gateway, answer HTML or JSON. */
export function packRoute(apollo: ApolloServer<RequestContext>, contextFor: (authorization: string | undefined, requestId: string) => Promise<RequestContext>, log: Logger) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<void> => {
    let personId: string;
    try {
      personId = decodeURIComponent(url.pathname.slice(PACK_PATH.length));
    } catch {
      return sendJson(res, 400, codedError(ErrorCode.BAD_USER_INPUT, `The person id in ${PACK_PATH}:personId is not valid percent-encoding (UTF-8, each % followed by two hex digits).`, requestId), requestId);
    }
    let context: RequestContext;
    try {
      context = await contextFor(req.headers.authorization, requestId);
    } catch {
      return sendJson(res, 401, codedError(ErrorCode.UNAUTHENTICATED, UNAUTHENTICATED_MESSAGE, requestId), requestId);
    }
    const response = await apollo.executeOperation({ query: PACK_QUERY, variables: { id: personId } }, { contextValue: context });
    if (response.body.kind !== 'single') throw new Error('strategy pack: expected a single result');
    const result = response.body.singleResult;
    const error = result.errors?.[0];
    if (error) {
      const code = (error.extensions?.code as ErrorCode | undefined) ?? ErrorCode.INTERNAL_SERVER_ERROR;
      const status = code === ErrorCode.AUDIT_UNAVAILABLE ? 503 : code === ErrorCode.BAD_USER_INPUT ? 400 : 500;
      return sendJson(res, status, { errors: result.errors }, requestId);
    }
    // As on the wire: scalars serialised (a DateTime is a Date inside the server).
    const person = result.data ? (JSON.parse(JSON.stringify(result.data)) as PackData).person : null;
    // "Not found" and "not allowed" look alike.
    if (!person) return sendJson(res, 404, codedError(ErrorCode.NOT_FOUND, 'No such person.', requestId), requestId);
    const viewer = { agency: claimedAgency(context.principal), sub: context.principal.sub };
    const generatedAt = new Date();
    const withheld = (result.extensions?.withheld ?? []) as { path: (string | number)[] }[];
    log.info({ requestId, personId: person.id, format: url.searchParams.get('format') ?? 'html' }, 'strategy pack');
    if (url.searchParams.get('format') === 'json') {
      const { name, aliases, age, dob } = childOf(person, generatedAt);
      return sendJson(res, 200, { generatedAt, viewer, marking: PROTECTIVE_MARKING, child: { name, aliases, age, dateOfBirth: dob }, ...person, withheld, breakGlass: result.extensions?.breakGlass ?? [] }, requestId);
    }
    const html = renderPack(person, viewer, generatedAt, withheld);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'x-request-id': requestId, 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" });
    res.end(html);
  };
}

