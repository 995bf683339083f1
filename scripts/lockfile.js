#!/usr/bin/env node
// The npm registry this project installs from serves only some platforms' optional binaries
// (jest's @unrs/resolver-binding-* for darwin, win32, … answer 404). `npm install` then leaves
// them out of package-lock.json and `npm ci` — what CI runs — refuses the lock file as out of
// sync. This check finds optional dependencies with no lock entry; `--fix` adds entries carrying
// their os/cpu/libc, so `npm ci` skips them on this platform without fetching anything.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));

/** `@unrs/resolver-binding-linux-x64-gnu` → os, cpu, libc. */
function platformOf(name) {
  const m = /-(android|darwin|freebsd|linux|openharmony|win32|wasm32)-?([a-z0-9]+)?-?(gnu|musl|gnueabihf|musleabihf|msvc|eabi|wasi)?$/.exec(name);
  if (!m) return undefined;
  if (m[1] === 'wasm32') return { cpu: ['wasm32'] };
  const libc = m[3] === 'gnu' || m[3] === 'gnueabihf' ? ['glibc'] : m[3] === 'musl' || m[3] === 'musleabihf' ? ['musl'] : undefined;
  return { os: [m[1]], cpu: [m[2]], ...(libc ? { libc } : {}) };
}

const missing = [];
for (const [key, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const at = `node_modules/${name}`;
    const nested = `${key}/node_modules/${name}`;
    if (!lock.packages[at] && !lock.packages[nested]) missing.push({ at, name, version, dev: entry.dev === true });
  }
}

if (missing.length === 0) process.exit(0);
if (!process.argv.includes('--fix')) {
  console.error(`package-lock.json lacks ${missing.length} optional dependencies (e.g. ${missing[0].name}); \`npm ci\` will refuse it.\nRun \`node scripts/lockfile.js --fix\` and commit package-lock.json.`);
  process.exit(1);
}
for (const m of missing) {
  const platform = platformOf(m.name);
  if (!platform) {
    console.error(`cannot tell the platform of ${m.name}: add its lock entry by hand`);
    process.exit(1);
  }
  lock.packages[m.at] = { version: m.version.replace(/^[\^~]/, ''), ...(m.dev ? { dev: true } : {}), optional: true, ...platform };
}
const sorted = {};
for (const key of Object.keys(lock.packages).sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0))) sorted[key] = lock.packages[key];
lock.packages = sorted;
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${missing.length} lock entries: ${missing.map((m) => m.name).join(', ')}`);
