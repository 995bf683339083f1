/**
 * Headless Chromium from Debian (never a downloaded browser) and poppler's pdftotext, for the
 * strategy-pack rendering test. As root (CI) they are installed with apt-get when missing; a
 * developer without them and without root gets the test skipped, with a message saying why.
 */
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

export function ensureRenderTools(): { ok: true } | { ok: false; why: string } {
  if (has('chromium') && has('pdftotext')) return { ok: true };
  if (process.getuid?.() !== 0) return { ok: false, why: 'chromium and pdftotext (Debian: apt-get install chromium poppler-utils) are not installed' };
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium', 'poppler-utils'], { stdio: 'ignore', env, timeout: 600_000 }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update'], { stdio: 'ignore', env, timeout: 600_000 });
    if (!install()) throw new Error('apt-get could not install chromium and poppler-utils');
  }
  return { ok: true };
}

/**
 * Print an HTML page to PDF in headless Chromium and return the PDF's text. Asynchronous, so a hub
 * in the same process keeps serving (and keeps its keep-alive sockets honest) while Chromium runs.
 */
export async function renderToPdfText(html: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pack-'));
  const page = path.join(dir, 'pack.html');
  const pdf = path.join(dir, 'pack.pdf');
  fs.writeFileSync(page, html);
  await execFileAsync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-pdf-header-footer', `--user-data-dir=${path.join(dir, 'profile')}`, `--print-to-pdf=${pdf}`, `file://${page}`], { timeout: 60_000 });
  const { stdout: text } = await execFileAsync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  return text;
}
