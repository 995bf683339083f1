/// <reference lib="dom" />
/**
 * console/*: the console in Debian's Chromium against the real hub on loopback, on the demo that
 * `npm start` loads (its own database, harbour_console_bench, made afresh each run).
 *
 * - console/first-load: a fresh browser context (empty cache) opens `/` until the sign-in form
 *   is interactive (its choices fetched and rendered), in the page's own clock from navigation
 *   start. Baseline: the same for GET /health, the floor of a navigation. Target ≤ 1000 ms.
 * - console/screen-change: signed in, a click on Today, Search, Review or a child until the
 *   screen is drawn with its data, less the time its GraphQL answers took (the page's resource
 *   timings): what the console itself costs once the data has arrived. Target ≤ 200 ms.
 * - console/js-first-screen: JavaScript and CSS the first screen loads, gzip. Target ≤ 250 KB.
 * - console/lighthouse: Lighthouse (desktop settings) against the same Chromium. The cold load
 *   (the sign-in page) in navigation mode: performance and accessibility. Today, Search and the
 *   child's page are reached only after sign-in, and the token lives in memory (a navigation
 *   would sign the user out), so they are audited as Lighthouse snapshots (accessibility) and the
 *   sign-in → Today step as a timespan (performance). Targets: performance ≥ 90, accessibility 100.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Pool } from 'pg';
import { chromium, type Page } from 'playwright-core';
import type { HarbourConfig } from '../src/config';
import { openDatabase } from '../src/db';
import { generateDemo } from '../src/demo/generate';
import { loadGenerated } from '../src/demo/load';
import { startGatewayServer } from '../src/gateway/server';
import type { Logger } from '../src/log';
import { latencies, type Compared } from './stats';

export interface ConsoleResult {
  firstLoad: Compared & { target_p50_ms: number; rounds: number };
  screenChange: { scenario: string; p50_ms: number; p95_ms: number; data_p50_ms: number; target_p95_ms: number; changes: number };
  javascript: { scenario: string; js_gzip_kb: number; css_gzip_kb: number; target_kb: number };
  lighthouse: { scenario: string; page: string; mode: string; performance: number | null; accessibility: number | null }[];
}

const MASH = { kind: 'CHILDRENS_SERVICES', agency: 'LA-886', role: 'MASH_COORDINATOR', sub: 'bench.coordinator' };

function chromiumPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium']).toString().trim();
  } catch {
    throw new Error('bench: the console scenario needs Debian’s chromium (apt-get install chromium)');
  }
}

async function demoHub(config: HarbourConfig, adminUrl: string, log: Logger, say: (m: string) => void) {
  const admin = new Pool({ connectionString: adminUrl, max: 1 });
  await admin.query('drop database if exists harbour_console_bench with (force)');
  await admin.query('create database harbour_console_bench');
  await admin.end();
  const databaseUrl = Object.assign(new URL(adminUrl), { pathname: '/harbour_console_bench' }).toString();
  const benchConfig = { ...config, databaseUrl };
  const database = await openDatabase(benchConfig, log, { poolSize: 5 });
  await database.migrate();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-bench-'));
  say('console: loading the demo (60 children)');
  generateDemo({ children: 60, seed: 2026, out: dir });
  await loadGenerated(database.db, log, dir);
  const server = await startGatewayServer({ config: benchConfig, db: database.requests, log }, 0, '127.0.0.1');
  const [child] = await database.db.query<{ person_id: string }>(`select person_id from identity.source_identity where agency = 'LA-886' and local_id = 'C886-0009'`);
  return { base: server.url.replace(/\/graphql$/, ''), childId: child!.person_id, stop: async () => { await server.stop(); await database.close(); } };
}

async function signIn(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.selectOption('#kind', MASH.kind);
  await page.fill('#agency', MASH.agency);
  await page.selectOption('#role', MASH.role);
  await page.fill('#sub', MASH.sub);
  await page.click('form.devform button[type=submit]');
  await page.waitForSelector('.masthead');
}

/** The page's clock when `ready` first holds (polled each animation frame), and when its GraphQL answers since `since` ended. */
async function drawn(page: Page, ready: string, since: number): Promise<{ readyAt: number; dataAt: number }> {
  const handle = await page.waitForFunction((selector) => (document.querySelector(selector) && !document.querySelector('.loading') ? performance.now() : 0), ready, { polling: 'raf' });
  const readyAt = (await handle.jsonValue()) as number;
  const dataAt = await page.evaluate((t) => Math.max(t, ...performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/graphql') && e.startTime >= t).map((e) => (e as PerformanceResourceTiming).responseEnd)), since);
  return { readyAt, dataAt };
}

export async function consoleScenario(config: HarbourConfig, adminUrl: string, log: Logger, rounds: number, say: (m: string) => void): Promise<ConsoleResult> {
  const hub = await demoHub(config, adminUrl, log, say);
  const executablePath = chromiumPath();
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  try {
    say(`console: first load, ${rounds} cold rounds`);
    const load: number[] = [];
    const floor: number[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const [target, out] of [['/', load], ['/health', floor]] as const) {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(`${hub.base}${target}`, { waitUntil: 'commit' });
        const handle = await page.waitForFunction((t) => (t === '/' ? (document.querySelector('form.devform button[type=submit]') ? performance.now() : 0) : document.readyState === 'complete' ? performance.now() : 0), target, { polling: 'raf' });
        out.push((await handle.jsonValue()) as number);
        await context.close();
      }
    }

    say('console: screen changes');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const bytes = { js: 0, css: 0 };
    page.on('response', (r) => void r.body().then((b) => {
      const type = r.headers()['content-type'] ?? '';
      if (type.includes('javascript')) bytes.js += gzipSync(b).length;
      if (type.includes('text/css')) bytes.css += gzipSync(b).length;
    }, () => undefined));
    await signIn(page, hub.base);
    const screens: [string, string][] = [['#/search', 'form.search'], ['#/today', '#alerts'], ['#/review', '.suggestion'], [`#/child/${hub.childId}`, 'table.identities']];
    const render: number[] = [];
    const data: number[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const [hash, ready] of screens) {
        const since = await page.evaluate((h) => {
          const t = performance.now();
          location.hash = h;
          return t;
        }, hash);
        const { readyAt, dataAt } = await drawn(page, ready, since);
        render.push(readyAt - dataAt);
        data.push(dataAt - since);
      }
    }
    await context.close();
    render.sort((a, b) => a - b);
    data.sort((a, b) => a - b);
    const at = (xs: number[], p: number) => +xs[Math.min(xs.length - 1, Math.floor(p * (xs.length - 1)))]!.toFixed(1);

    const lighthouse = await lighthouseScores(executablePath, hub.base, hub.childId, say);
    return {
      firstLoad: { scenario: 'console/first-load', baseline: 'GET /health in a fresh context', ...latencies(load, floor), target_p50_ms: 1000, rounds },
      screenChange: { scenario: 'console/screen-change', p50_ms: at(render, 0.5), p95_ms: at(render, 0.95), data_p50_ms: at(data, 0.5), target_p95_ms: 200, changes: render.length },
      javascript: { scenario: 'console/js-first-screen', js_gzip_kb: +(bytes.js / 1024).toFixed(1), css_gzip_kb: +(bytes.css / 1024).toFixed(1), target_kb: 250 },
      lighthouse,
    };
  } finally {
    await browser.close();
    await hub.stop();
  }
}

/** Lighthouse 12 drives its own Chromium through puppeteer-core (its own dependency, pinned alongside). */
async function lighthouseScores(executablePath: string, base: string, childId: string, say: (m: string) => void): Promise<ConsoleResult['lighthouse']> {
  say('console: lighthouse');
  const { navigation, snapshot, startTimespan, desktopConfig } = await import('lighthouse');
  const puppeteer = await import('puppeteer-core');
  const browser = await puppeteer.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage'], headless: true });
  const scores: ConsoleResult['lighthouse'] = [];
  const score = (lhr: { categories: Record<string, { score: number | null } | undefined> } | undefined, c: string) => {
    const s = lhr?.categories[c]?.score;
    return s === null || s === undefined ? null : Math.round(s * 100);
  };
  try {
    const page = await browser.newPage();
    const cold = await navigation(page, `${base}/`, { config: desktopConfig });
    scores.push({ scenario: 'console/lighthouse', page: 'first load (sign-in)', mode: 'navigation', performance: score(cold?.lhr, 'performance'), accessibility: score(cold?.lhr, 'accessibility') });
    await page.setViewport({ width: 1350, height: 940 });
    await page.waitForSelector('form.devform button[type=submit]');
    await page.select('#role', MASH.role);
    const timespan = await startTimespan(page, { config: desktopConfig });
    await page.click('form.devform button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#alerts') && !document.querySelector('.loading'));
    const toToday = await timespan.endTimespan();
    if (process.env.HARBOUR_BENCH_DEBUG) for (const [id, a] of Object.entries(toToday?.lhr.audits ?? {})) if (a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== 'informative') say(`lighthouse timespan: ${id} ${a.score} ${a.displayValue ?? ''}`);
    scores.push({ scenario: 'console/lighthouse', page: 'sign-in → Today', mode: 'timespan', performance: score(toToday?.lhr, 'performance'), accessibility: null });
    for (const [name, hash, ready] of [['Today', '#/today', '#alerts'], ['Search', '#/search', 'form.search'], ['the child', `#/child/${childId}`, 'table.identities']] as const) {
      await page.evaluate((h) => { location.hash = h; }, hash);
      await page.waitForFunction((s) => document.querySelector(s) && !document.querySelector('.loading'), {}, ready);
      const snap = await snapshot(page, { config: desktopConfig });
      scores.push({ scenario: 'console/lighthouse', page: name, mode: 'snapshot', performance: null, accessibility: score(snap?.lhr, 'accessibility') });
    }
  } finally {
    await browser.close();
  }
  return scores;
}

export function reportConsole(r: ConsoleResult): void {
  const f = r.firstLoad;
  console.log(`\n${'scenario'.padEnd(30)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'base p50'.padStart(10)}${'ratio p50'.padStart(11)}  target`);
  console.log(`${f.scenario.padEnd(30)}${f.p50_ms.toFixed(1).padStart(9)}${f.p95_ms.toFixed(1).padStart(9)}${f.baseline_p50_ms.toFixed(1).padStart(10)}${`${f.ratio_p50}×`.padStart(11)}  p50 ≤ ${f.target_p50_ms} ms (${f.baseline}) ${f.p50_ms <= f.target_p50_ms ? 'ok' : 'OVER'}`);
  const s = r.screenChange;
  console.log(`${s.scenario.padEnd(30)}${s.p50_ms.toFixed(1).padStart(9)}${s.p95_ms.toFixed(1).padStart(9)}${''.padStart(10)}${''.padStart(11)}  p95 ≤ ${s.target_p95_ms} ms after the data (data p50 ${s.data_p50_ms} ms, ${s.changes} changes) ${s.p95_ms <= s.target_p95_ms ? 'ok' : 'OVER'}`);
  const j = r.javascript;
  console.log(`${j.scenario.padEnd(30)}  JS ${j.js_gzip_kb} KB + CSS ${j.css_gzip_kb} KB gzip  ≤ ${j.target_kb} KB ${j.js_gzip_kb <= j.target_kb ? 'ok' : 'OVER'}`);
  for (const l of r.lighthouse) {
    console.log(`${l.scenario.padEnd(30)}  ${`${l.page} (${l.mode})`.padEnd(32)}${l.performance !== null ? ` performance ${l.performance}` : ''}${l.accessibility !== null ? ` accessibility ${l.accessibility}` : ''}`);
  }
}

export const consoleResultRows = (r: ConsoleResult) => [r.firstLoad, r.screenChange, r.javascript, ...r.lighthouse];
