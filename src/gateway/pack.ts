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

export const PACK_PATH = '/strategy-pack/';

const PACK_QUERY = `query StrategyPack($id: ID!) { person(id: $id) { id
  identities { agency feed localId names { kind given family full } birthDates { value precision basis } sex nationality }
  safeguarding {
    planReadiness { kind status agency recordedAt }
    riskSignals { kind since detail }
    chronology { at kind agency category record }
    discussions { heldOn convenedBy agencies ownershipAgency ownershipNote decisions actions { description ownerAgency dueOn status overdue } }
    withheldCategories
  }
  possibleMatches(first: 20) { edges { node { grade probability reasons records { agency localId } } } } } }`;

interface Name { kind: string; given: string | null; family: string | null; full: string | null }
interface PackData {
  person: {
    id: string;
    identities: { agency: string; feed: string; localId: string | null; names: Name[] | null; birthDates: { value: string; precision: string; basis: string }[] | null; sex: string | null; nationality: string | null }[];
    safeguarding: {
      planReadiness: { kind: string; status: string; agency: string | null; recordedAt: string | null }[];
      riskSignals: { kind: string; since: string; detail: string }[];
      chronology: { at: string; kind: string; agency: string; category: string; record: string }[];
      discussions: { heldOn: string; convenedBy: string; agencies: string[]; ownershipAgency: string | null; ownershipNote: string | null; decisions: string[]; actions: { description: string; ownerAgency: string; dueOn: string; status: string; overdue: boolean }[] }[];
      withheldCategories: string[];
    } | null;
    possibleMatches: { edges: { node: { grade: string; probability: number; reasons: string[]; records: { agency: string; localId: string | null }[] } }[] };
  } | null;
}

/** The pack's one stylesheet; the console's policy allows it by its hash. */
export const PACK_STYLE = `
  body { font: 11pt/1.4 system-ui, sans-serif; margin: 2em; color: #111 }
  h1 { font-size: 16pt } h2 { font-size: 13pt; border-bottom: 1px solid #999; margin-top: 1.5em } h3 { font-size: 11pt }
  table { border-collapse: collapse; width: 100%; margin: .5em 0 } th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top }
  .withheld, .status.WITHHELD { background: #eee; border: 1px dashed #666; padding: 0 4px; font-style: italic }
  .status.MISSING, .overdue { color: #a00; font-weight: bold } .none { color: #555 } small { color: #555 }
  @media print { body { margin: 0 } section { break-inside: avoid } }
`;

const WITHHELD = '<span class="withheld">withheld</span>';
const cell = (value: unknown, withheld = value === null) => (withheld ? WITHHELD : escape(value));
const words = (code: string) => code.toLowerCase().replace(/_/g, ' ');
const table = (head: string[], rows: string[][]) =>
  rows.length ? `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>` : '<p class="none">None recorded that you may see.</p>';

export function renderPack(data: NonNullable<PackData['person']>, viewer: { agency: string; sub: string }, generatedAt: Date): string {
  const view = data.safeguarding;
  const nameOf = (n: Name) => escape(n.full ?? [n.given, n.family].filter(Boolean).join(' '));
  const identities = data.identities.map((i) => [
    escape(i.agency), escape(i.feed), cell(i.localId),
    i.names === null ? WITHHELD : i.names.map((n) => `${nameOf(n)} <small>(${escape(words(n.kind))})</small>`).join('<br>'),
    i.birthDates === null ? WITHHELD : i.birthDates.map((b) => `${escape(b.value)} <small>(${escape(words(b.precision))}, ${escape(words(b.basis))})</small>`).join('<br>'),
    cell(i.sex), cell(i.nationality),
  ]);
  const plan = (view?.planReadiness ?? []).map((p) => [escape(words(p.kind)), `<span class="status ${escape(p.status)}">${p.status === 'WITHHELD' ? 'present — withheld from you' : escape(words(p.status))}</span>`, cell(p.agency, false), cell(p.recordedAt?.slice(0, 10), false)]);
  const signals = (view?.riskSignals ?? []).map((s) => [escape(words(s.kind)), escape(s.since.slice(0, 16).replace('T', ' ')), escape(s.detail)]);
  const chronology = (view?.chronology ?? []).map((e) => [escape(e.at.slice(0, 16).replace('T', ' ')), escape(words(e.kind)), escape(e.agency), `<code>${escape(e.record)}</code>`]);
  const discussions = (view?.discussions ?? []).map((d) => `<section class="discussion"><h3>${escape(d.heldOn)} — convened by ${escape(d.convenedBy)} with ${escape(d.agencies.join(', '))}</h3>
    <p>Ownership if found elsewhere: ${d.ownershipAgency ? escape(d.ownershipAgency) : '<strong>not agreed</strong>'}${d.ownershipNote ? ` — ${escape(d.ownershipNote)}` : ''}</p>
    ${d.decisions.length ? `<ul>${d.decisions.map((x) => `<li>${escape(x)}</li>`).join('')}</ul>` : ''}
    ${table(['Action', 'Owner', 'Due', 'Status'], d.actions.map((a) => [escape(a.description), escape(a.ownerAgency), escape(a.dueOn), `${escape(words(a.status))}${a.overdue ? ' <strong class="overdue">overdue</strong>' : ''}`]))}</section>`).join('');
  // The other record of each pair is the one not already among this child's identities.
  const mine = new Set(data.identities.map((i) => `${i.agency}|${i.localId}`));
  const pending = data.possibleMatches.edges.map(({ node }) => {
    const other = node.records.find((r) => !mine.has(`${r.agency}|${r.localId}`)) ?? node.records[1]!;
    return [escape(other.agency), cell(other.localId), escape(words(node.grade)), escape(node.reasons.join('; '))];
  });
  const withheld = view?.withheldCategories ?? [];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Strategy pack</title>
<style>${PACK_STYLE}</style></head><body>
<h1>Strategy pack</h1>
<p>Child <code>${escape(data.id)}</code> · for ${escape(viewer.sub)} (${escape(viewer.agency)}) · ${escape(generatedAt.toISOString().slice(0, 16).replace('T', ' '))} UTC.
Only what your agency may see is shown; every disclosure is audited.${withheld.length ? ` Withheld from you for this child: ${escape(withheld.map(words).join(', '))}.` : ''}</p>
<h2>Identities and aliases</h2>${table(['Agency', 'Feed', 'Local id', 'Names', 'Date of birth', 'Sex', 'Nationality'], identities)}
<h2>Possible other records of this child, not yet confirmed</h2>${pending.length ? `<p>Ask the agency that holds each record; a caseworker decides in harbour whether it is this child.</p>${table(['Agency to ask', 'Their record', 'Grade', 'Why'], pending)}` : '<p class="none">None waiting for a decision.</p>'}
<h2>Risk signals</h2>${table(['Signal', 'Since', 'Detail'], signals)}
<h2>Plan readiness</h2>${table(['Item', 'Status', 'Shown by', 'Recorded'], plan)}
<h2>Chronology</h2>${table(['When', 'What', 'Agency', 'Record'], chronology)}
<h2>Strategy discussions, decisions and actions</h2>${discussions || '<p class="none">None recorded that you may see.</p>'}
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
    log.info({ requestId, personId: person.id, format: url.searchParams.get('format') ?? 'html' }, 'strategy pack');
    if (url.searchParams.get('format') === 'json') {
      return sendJson(res, 200, { generatedAt, viewer, ...person, withheld: result.extensions?.withheld ?? [], breakGlass: result.extensions?.breakGlass ?? [] }, requestId);
    }
    const html = renderPack(person, viewer, generatedAt);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'x-request-id': requestId, 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" });
    res.end(html);
  };
}

