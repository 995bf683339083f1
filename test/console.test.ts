/// <reference lib="dom" />
/**
 * The console in a real Chromium (Debian's, driven by playwright-core; never a downloaded
 * browser) against the real hub on loopback with the demo `npm start` loads. Each journey is what
 * a user does, keyboard-only where the issue says so; every screen is checked with axe-core (WCAG
 * 2.2 AA: no violations) and saved as a screenshot under test/screenshots/.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ensureRenderTools } from './support/chromium';
import { loadDemo, startTestHub, type TestHub } from './support/hub';

const tools = ensureRenderTools();
const describeIf = tools.ok ? describe : describe.skip;
if (!tools.ok) console.warn(`console tests skipped: ${tools.why}`);

const SHOTS = path.join(__dirname, 'screenshots');
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let hub: TestHub;
let base: string;
let browser: Browser;

interface Who { kind: string; agency: string; role: string; sub: string }
const MASH: Who = { kind: 'CHILDRENS_SERVICES', agency: 'LA-886', role: 'MASH_COORDINATOR', sub: 'mash.coordinator' };
const OFFICER: Who = { kind: 'POLICE', agency: 'POLICE-KENT', role: 'OFFICER', sub: 'missing.officer' };
const HEALTH: Who = { kind: 'HEALTH', agency: 'NHS-RVV', role: 'CASEWORKER', sub: 'health.visitor' };
const POLICE_DPO: Who = { kind: 'POLICE', agency: 'POLICE-KENT', role: 'DPO', sub: 'kent.dpo' };

const tokenFor = (w: Who) => hub.token({ agency: w.agency, kind: w.kind, roles: [w.role], sub: w.sub });
const personOf = async (agency: string, localId: string) =>
  (await hub.database.db.query<{ person_id: string }>(`select person_id from identity.source_identity where agency = $1 and local_id = $2`, [agency, localId]))[0]!.person_id;

beforeAll(async () => {
  if (!tools.ok) return;
  hub = await startTestHub();
  await loadDemo(hub);
  base = (await hub.server()).url.replace(/\/graphql$/, '');
  browser = await chromium.launch({ executablePath: execFileSync('sh', ['-c', 'command -v chromium']).toString().trim(), args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  fs.mkdirSync(SHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

/** A fresh browser context (no state shared between users), collecting every response body. */
async function open(): Promise<{ context: BrowserContext; page: Page; received: string[]; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  const received: string[] = [];
  const problems: string[] = [];
  page.on('response', (r) => void r.text().then((t) => received.push(t), () => undefined));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`); });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${new URL(r.url()).pathname}`); });
  return { context, page, received, problems };
}

async function signIn(page: Page, who: Who): Promise<void> {
  await page.goto(`${base}/`);
  await page.selectOption('#kind', who.kind);
  await page.fill('#agency', who.agency);
  await page.selectOption('#role', who.role);
  await page.fill('#sub', who.sub);
  await page.click('form.devform button[type=submit]');
  await page.waitForSelector('.masthead');
}

/** axe-core on the screen as it is now: no WCAG 2.x A/AA violation. Then a screenshot. */
async function check(page: Page, screen: string): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('.loading'));
  // Evaluated over the DevTools protocol, as an extension would: the page's CSP still forbids inline script.
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run: (c: Document, o: object) => Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
  });
  expect({ screen, violations }).toEqual({ screen, violations: [] });
  await page.screenshot({ path: path.join(SHOTS, `${screen}.png`), fullPage: true });
}

/** Press Tab until the focused element matches (keyboard only: no clicks). */
async function tabTo(page: Page, selector: string, max = 150): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`keyboard focus never reached ${selector}`);
}

describeIf('the console', () => {
  test('the page and its assets go out under a strict policy: no inline script, nothing from another host, no framing, no referrer', async () => {
    const response = await fetch(`${base}/`, { headers: { accept: 'text/html' } });
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(response.status).toBe(200);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await response.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/https?:\/\//);
    // A GraphQL client's GET of / is still the API, not the page.
    const api = await fetch(`${base}/?query=${encodeURIComponent('{ __typename }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(api.headers.get('content-type')).toContain('json');
  });

  test('a MASH coordinator: Today shows the alert, acknowledged by keyboard; the child; a suggested police record confirmed; a discussion convened, an action added; the pack printed', async () => {
    const { context, page, problems } = await open();
    await signIn(page, MASH);
    await page.waitForSelector('#alerts .item');
    await check(page, 'la-today');
    const alerts = await page.locator('#alerts .item').count();
    expect(alerts).toBeGreaterThan(0);

    // Keyboard only: to the first alert's Acknowledge, Enter.
    await tabTo(page, '#alerts .item button');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.notice:has-text("Alert acknowledged")');
    const stillOpen = await hub.execute<{ matchAlerts: { totalCount: number } }>(tokenFor(MASH), '{ matchAlerts(status: OPEN) { totalCount } }');
    expect(stillOpen.data!.matchAlerts.totalCount).toBe(alerts - 1);

    // Child 0009: the LA's record and, waiting for a decision, the police record with the same phone.
    const child = await personOf('LA-886', 'C886-0009');
    await page.goto(`${base}/#/child/${child}`);
    await page.waitForSelector('#possible .item');
    await check(page, 'la-child');
    const suggestion = page.locator('#possible .item', { hasText: 'P-0009' });
    await suggestion.locator('textarea').fill('Same phone, same name in another order, police confirmed at the strategy meeting.');
    await suggestion.locator('button:has-text("Same child")').click();
    await page.waitForSelector('.notice:has-text("now one child")');
    const merged = await hub.execute<{ person: { identities: { agency: string; localId: string }[] } }>(tokenFor(MASH), `query ($id: ID!) { person(id: $id) { identities { agency localId } } }`, { id: child });
    expect(merged.data!.person.identities.map((i) => i.localId)).toContain('P-0009');
    await page.waitForSelector('table.identities th:has-text("POLICE-KENT")');

    // Convene a discussion with Kent Police, then add an action to it.
    await page.click('button:has-text("Convene a strategy discussion")');
    await page.fill('#cv-agencies', 'POLICE-KENT');
    await page.fill('#cv-owner', 'POLICE-KENT');
    await page.fill('#cv-decisions', 'Circulate the child as missing nationally.\nReturn interview on return.');
    await page.click('button:has-text("Record the discussion")');
    await page.waitForSelector('.discussion');
    const discussion = page.locator('.discussion').first();
    await discussion.locator('input[id$="-d"]').fill('Check the hotel in Bradford named in the custody record');
    await discussion.locator('input[id$="-due"]').fill(new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10));
    await discussion.locator('button:has-text("Add action")').click();
    await page.waitForSelector('table.actions td:has-text("Check the hotel in Bradford")');
    await check(page, 'la-child-discussion');

    // The pack, opened from the child's page in the same session, printed to PDF.
    await page.click('a:has-text("Strategy pack")');
    await page.waitForSelector('.pack .pack-title');
    await check(page, 'la-pack');
    const pdf = await page.pdf({ format: 'A4' });
    const file = path.join(os.tmpdir(), `pack-${process.pid}.pdf`);
    fs.writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', [file, '-']).toString();
    expect(text).toContain('Check the hotel in Bradford');
    expect(text).toContain('P-0009');
    expect(problems).toEqual([]);
    await context.close();
  });

  test('a police officer: the LA’s placements are withheld and say what would release them; break glass with a reason; the DPO of the force reviews it', async () => {
    const { context, page, problems } = await open();
    await signIn(page, OFFICER);
    const child = await personOf('LA-886', 'C886-0013');
    await page.goto(`${base}/#/child/${child}`);
    await page.waitForSelector('#placements .withheld');
    await page.click('#withheld button:has-text("What would release it?") >> nth=0');
    await page.waitForSelector('#withheld .explanation');
    await check(page, 'police-child-withheld');

    await page.click('button:has-text("Break glass")');
    await page.waitForSelector('.break-glass');
    // Too short a reason is refused in the form, before anything is sent.
    await page.getByLabel('care plan').check();
    await page.getByLabel('location').check();
    await page.selectOption('#bg-basis', 'CHILDREN_ACT_1989_S47');
    await page.fill('#bg-reason', 'Found in Bradford.');
    await page.click('button:has-text("Declare and release")');
    await page.waitForSelector('#bg-reason-error');
    await check(page, 'police-break-glass');
    await page.fill('#bg-reason', 'Found in Bradford at 02:00 with an adult not known to us; we need the placement to return the child safely tonight.');
    await page.click('button:has-text("Declare and release")');
    await page.waitForSelector('.notice:has-text("Recorded.")');
    await page.waitForSelector('#placements table');
    expect(await page.locator('#placements .withheld').count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();

    const dpo = await open();
    await signIn(dpo.page, POLICE_DPO);
    await dpo.page.waitForSelector('#reviews .item');
    await check(dpo.page, 'dpo-reviews');
    const item = dpo.page.locator('#reviews .item', { hasText: 'Found in Bradford at 02:00' });
    await item.locator('textarea').fill('Proportionate: a child found at night with an unknown adult.');
    await item.getByRole('button', { name: 'Justified', exact: true }).click();
    await dpo.page.waitForSelector('.notice:has-text("Reviewed: justified")');
    const reviewed = await hub.execute<{ breakGlassReviews: { reviewOutcome: string; reviewNote: string }[] }>(tokenFor(POLICE_DPO), '{ breakGlassReviews(status: REVIEWED) { reviewOutcome reviewNote } }');
    expect(reviewed.data!.breakGlassReviews).toEqual([{ reviewOutcome: 'JUSTIFIED', reviewNote: 'Proportionate: a child found at night with an unknown adult.' }]);
    // What the officer saw, as CSV.
    await dpo.page.check('#m-user');
    await dpo.page.fill('#d-subject', OFFICER.sub);
    await dpo.page.click('button:has-text("Show disclosures")');
    await dpo.page.waitForSelector('table.audit tbody tr');
    await check(dpo.page, 'dpo-disclosures');
    const download = dpo.page.waitForEvent('download');
    await dpo.page.click('a:has-text("Download as CSV")');
    const csv = fs.readFileSync(await (await download).path(), 'utf8');
    expect(csv.split('\n')[0]).toBe('seq,at,sub,agency,roles,personId,category,outcome,basis,basisId');
    expect(csv).toContain('missing.officer');
    // The merge the MASH coordinator made of the force's record, with its reason.
    await dpo.page.waitForSelector('#decisions td:has-text("police confirmed at the strategy meeting")');
    expect(await dpo.page.locator('#decisions tr', { hasText: 'mash.coordinator' }).first().innerText()).toMatch(/same: merged two children/i);
    expect(dpo.problems).toEqual([]);
    await dpo.context.close();
  });

  test('a health user sees what health may see: the page shows what the API released, and nothing withheld reaches the browser', async () => {
    const child = await personOf('LA-886', 'C886-0013');
    const PERSON = `query ($id: ID!) { person(id: $id) { identities { names { given family full } contacts { value } } care { placements { postcode } } } }`;
    type View = { person: { identities: { names: { given: string | null; family: string | null; full: string | null }[] | null; contacts: { value: string }[] | null }[]; care: { placements: { postcode: string | null }[] | null } | null } };
    const la = await hub.execute<View>(tokenFor(MASH), PERSON, { id: child });
    const health = await hub.execute<View>(tokenFor(HEALTH), PERSON, { id: child });
    const secrets = [...la.data!.person.identities.flatMap((i) => (i.contacts ?? []).map((c) => c.value)), ...(la.data!.person.care?.placements ?? []).map((p) => p.postcode).filter((p): p is string => !!p)];
    expect(secrets.length).toBeGreaterThan(0);
    expect(health.data!.person.identities.every((i) => i.contacts === null)).toBe(true);

    const { context, page, received, problems } = await open();
    await signIn(page, HEALTH);
    await page.goto(`${base}/#/child/${child}`);
    await page.waitForSelector('table.identities');
    await check(page, 'health-child');
    const text = await page.locator('main').innerText();
    for (const n of health.data!.person.identities.flatMap((i) => i.names ?? [])) expect(text).toContain(n.full ?? [n.given, n.family].filter(Boolean).join(' '));
    expect(await page.locator('table.identities .withheld').count()).toBeGreaterThan(0);
    for (const secret of secrets) expect(received.filter((body) => body.includes(secret))).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  test('an officer searches keyboard-only: a future date and a reversed age range are caught as typed; results are banded with why', async () => {
    const { context, page, problems } = await open();
    await signIn(page, OFFICER);
    await tabTo(page, 'nav a[href="#/search"]');
    await page.keyboard.press('Enter');
    await tabTo(page, '#s-dob');
    await page.keyboard.type('14/03/2099');
    await page.keyboard.press('Tab');
    await page.waitForSelector('#s-dob-error:has-text("future")');
    await tabTo(page, '#s-ageMin');
    await page.keyboard.type('17');
    await page.keyboard.press('Tab');
    await page.keyboard.type('14');
    await page.keyboard.press('Tab');
    await page.waitForSelector('#s-ageMax-error:has-text("reversed")');
    await check(page, 'search-invalid');
    // Mend both, by keyboard: a UK date, day first.
    await tabTo(page, '#s-dob');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('24/01/2011');
    for (const field of ['#s-ageMin', '#s-ageMax']) {
      await tabTo(page, field);
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Backspace');
    }
    await tabTo(page, '#s-given');
    await page.keyboard.type('Helen');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.results .candidate');
    expect(await page.locator('.band h3').first().innerText()).toMatch(/certain|probable|possible/i);
    await tabTo(page, '.candidate summary');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.candidate details[open] table.contributions');
    await check(page, 'search-results');
    expect(problems).toEqual([]);
    await context.close();
  });

  test('a MASH coordinator reviews the queue keyboard-only; a session that ends mid-sentence keeps what was typed', async () => {
    const { context, page, problems } = await open();
    await context.clock.install();
    await signIn(page, MASH);
    await tabTo(page, 'nav a[href="#/review"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.suggestion');
    await check(page, 'review-queue');
    await tabTo(page, '.suggestion textarea');
    await page.keyboard.type('Different dates of birth two years apart and different mothers: not the same child.');
    // The token expires while the reason is being typed.
    await page.clock.fastForward('01:00:00');
    await tabTo(page, '.suggestion button.secondary');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[role=dialog] h1:has-text("sign in again")');
    await check(page, 'session-ended');
    await page.click('[role=dialog] form.devform button[type=submit]');
    await page.waitForSelector('.notice:has-text("different children")');
    const decided = await hub.execute<{ matchSuggestions: { edges: { node: { decisionReason: string } }[] } }>(tokenFor(MASH), '{ matchSuggestions(status: DIFFERENT) { edges { node { decisionReason } } } }');
    expect(decided.data!.matchSuggestions.edges.map((e) => e.node.decisionReason)).toContain('Different dates of birth two years apart and different mothers: not the same child.');
    // Sign out: the next page asks who you are.
    await page.click('button:has-text("Sign out")');
    await page.waitForSelector('form.devform');
    expect(problems).toEqual([]);
    await context.close();
  });
});
