#!/usr/bin/env node
/**
 * The console's typed view of the API (console/src/graphql-env.d.ts, gql.tada's introspection of
 * schema/supergraph.graphql). `--check` fails when it is not what the schema gives now (run
 * `npm run schema`); without it, it is written.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const committed = path.join(root, 'console', 'src', 'graphql-env.d.ts');
const fresh = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'console-env-')), 'graphql-env.d.ts');
execFileSync(process.execPath, [path.join(root, 'node_modules', 'gql.tada', 'bin', 'cli.js'), 'generate-output', '-c', path.join(root, 'console', 'tsconfig.json'), '-o', fresh], { stdio: 'ignore' });
if (process.argv.includes('--check')) {
  if (!fs.existsSync(committed) || fs.readFileSync(fresh, 'utf8') !== fs.readFileSync(committed, 'utf8')) {
    console.error('console/src/graphql-env.d.ts is not what schema/supergraph.graphql gives: run npm run schema');
    process.exit(1);
  }
} else {
  fs.copyFileSync(fresh, committed);
}
