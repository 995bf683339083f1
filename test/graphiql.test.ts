/// <reference lib="dom" />
/**
 * GraphiQL for agency developers: a browser's GET of /graphql is the IDE (bundled with the hub,
 * nothing from another host) outside production, and not in production. In a real Chromium
 * (Debian's, driven by playwright-core): paste a token, run `{ me { agency } }`, see the answer;
 * no console error, no request off the hub, and no token left in the browser's storage.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { ensureRenderTools } from './support/chromium';
import { startTestHub, type TestHub } from './support/hub';

let dev: TestHub;
let base: string;

beforeAll(async () => {
  dev = await startTestHub();
  base = (await dev.server()).url.replace(/\/graphql$/, '');
}, 120_000);
afterAll(() => dev?.close());

const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('outside production', () => {
  test('a browser at /graphql gets the IDE page: same-origin scripts only, under a strict policy', async () => {
    const response = await fetch(`${base}/graphql`, { headers: html });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-(inline|eval)|https?:|\*/);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const page = await response.text();
    const scripts = [...page.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts).toEqual(['<script type="module" src="/console/graphiql.js">']);
    expect(page).not.toMatch(/https?:\/\//);
    for (const asset of ['/console/graphiql.js', '/console/graphiql.css']) expect((await fetch(`${base}${asset}`)).status).toBe(200);
  });

  test('GraphiQL is not in the console bundle', async () => {
    const app = await (await fetch(`${base}/console/app.js`)).text();
    expect(app).not.toMatch(/graphiql|CodeMirror/i);
    const index = await (await fetch(`${base}/`, { headers: html })).text();
    expect(index).not.toContain('graphiql');
  });

  test("a GraphQL client's GET is still the API", async () => {
    const token = dev.token({ agency: 'LA-886', kind: 'CHILDRENS_SERVICES' });
    const query = await fetch(`${base}/graphql?query=${encodeURIComponent('{ me { agency } }')}`, { headers: { ...html, 'apollo-require-preflight': 'true', authorization: `Bearer ${token}` } });
    expect(query.headers.get('content-type')).toContain('json');
    expect(await query.json()).toMatchObject({ data: { me: { agency: 'LA-886' } } });
    const noHtml = await fetch(`${base}/graphql`, { headers: { accept: 'application/json' } });
    expect(noHtml.headers.get('content-type')).toContain('json');
  });
});

describe('in production', () => {
  let prod: TestHub;
  let origin: string;
  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harbour-prod-ide-'));
    fs.writeFileSync(path.join(dir, 'issuers.json'), JSON.stringify({ issuers: [] }));
    fs.writeFileSync(path.join(dir, 'audit.key'), randomBytes(32).toString('base64'), { mode: 0o600 });
    prod = await startTestHub({ HARBOUR_ENV: 'production', HARBOUR_ISSUERS_FILE: path.join(dir, 'issuers.json'), HARBOUR_AUDIT_KEY_FILE: path.join(dir, 'audit.key') });
    origin = (await prod.server()).url.replace(/\/graphql$/, '');
  }, 120_000);
  afterAll(() => prod?.close());

  test('a browser at /graphql gets a short plain answer, no IDE; its files are not served', async () => {
    const response = await fetch(`${origin}/graphql`, { headers: html });
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const text = await response.text();
    expect(text).toMatch(/no IDE in production/);
    expect(text).not.toMatch(/<script|graphiql/i);
    for (const asset of ['/console/graphiql.js', '/console/graphiql.css', '/console/graphiql.html']) expect((await fetch(`${origin}${asset}`)).status).toBe(404);
    // The console itself is still there.
    expect((await fetch(`${origin}/`, { headers: html })).status).toBe(200);
  });
});

async function until(done: () => boolean, what: string, ms = 15_000): Promise<void> {
  for (const end = Date.now() + ms; !done(); await new Promise((r) => setTimeout(r, 100))) if (Date.now() > end) throw new Error(`no ${what} in ${ms} ms`);
}

const tools = ensureRenderTools();
const describeIf = tools.ok ? describe : describe.skip;
if (!tools.ok) console.warn(`GraphiQL browser test skipped: ${tools.why}`);

describeIf('GraphiQL in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: execFileSync('sh', ['-c', 'command -v chromium']).toString().trim(), args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  }, 60_000);
  afterAll(() => browser?.close());

  test('paste a token, run { me { agency } }, see the answer; nothing off the hub, no token kept', async () => {
    const token = dev.token({ agency: 'LA-886', kind: 'CHILDRENS_SERVICES', sub: 'agency.developer' });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    const elsewhere: string[] = [];
    const posts: { authorization?: string; contentType?: string; body: string }[] = [];
    const answers: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.protocol !== 'data:' && url.origin !== base) elsewhere.push(r.url());
      if (url.pathname === '/graphql' && r.method() === 'POST') posts.push({ authorization: r.headers().authorization, contentType: r.headers()['content-type'], body: r.postData() ?? '' });
    });
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`);
      if (new URL(r.url()).pathname === '/graphql' && r.request().method() === 'POST') void r.text().then((t) => answers.push(t), () => undefined);
    });

    await page.goto(`${base}/graphql`);
    await page.waitForSelector('.graphiql-container .graphiql-query-editor .CodeMirror');
    // No token yet: nothing is sent (the fetcher says to paste one).
    expect(posts).toEqual([]);

    await page.fill('#token', token);
    // Outside production the schema is introspected with the token (docs and completion work).
    await until(() => answers.some((a) => a.includes('"__schema"')), 'an introspection answer');

    // Evaluated over the DevTools protocol: the page's CSP still forbids inline script.
    await page.evaluate(() => {
      const editor = document.querySelector('.graphiql-query-editor .CodeMirror') as unknown as { CodeMirror: { setValue(v: string): void } };
      editor.CodeMirror.setValue('{ me { agency } }');
    });
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(() => document.querySelector('.result-window')?.textContent?.includes('LA-886'));
    const result = await page.locator('.result-window').innerText();
    expect(result).toContain('"agency"');
    expect(result).toContain('"LA-886"');

    // GraphiQL's dialogs and its docs (built from the introspected schema) open without a CSP
    // violation: their scroll lock adopts a constructed stylesheet rather than adding a <style>.
    for (const label of ['Open settings dialog', 'Open short keys dialog']) {
      await page.click(`[aria-label="${label}"]`);
      await page.waitForSelector('[role=dialog]');
      await page.keyboard.press('Escape');
      await page.waitForSelector('[role=dialog]', { state: 'detached' });
    }
    await page.click('[aria-label="Show Documentation Explorer"]');
    await page.waitForSelector('.graphiql-doc-explorer >> text=Query');

    const run = posts.find((p) => p.body.includes('me { agency }'));
    expect(run).toMatchObject({ authorization: `Bearer ${token}`, contentType: 'application/json' });
    expect(elsewhere).toEqual([]);
    expect(problems).toEqual([]);

    fs.mkdirSync(path.join(__dirname, 'screenshots'), { recursive: true });
    await page.screenshot({ path: path.join(__dirname, 'screenshots', 'graphiql.png') });

    const kept = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, url: location.href, cookie: document.cookie }));
    expect(kept).not.toContain(token);
    expect(kept).not.toContain(token.split('.')[2]!);
    expect(kept).not.toMatch(/authorization|bearer/i);
    await context.close();
  }, 120_000);
});
