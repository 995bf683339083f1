#!/usr/bin/env node
/**
 * Build the console (console/src, Preact + TypeScript) into dist/console: one minified ES module,
 * one stylesheet and the page that loads them. No inline script or style, so the hub can serve
 * it under `default-src 'self'`. Part of `npm run build`, so `npm install` (prepare) builds it.
 */
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const out = path.join(root, 'dist', 'console');

async function main() {
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const result = await esbuild.build({
    entryPoints: { app: path.join(root, 'console', 'src', 'main.tsx') },
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: out,
    sourcemap: false,
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
    loader: { '.css': 'css' },
  });
  fs.copyFileSync(path.join(root, 'console', 'src', 'app.css'), path.join(out, 'app.css'));
  for (const file of ['index.html', 'icon.svg']) fs.copyFileSync(path.join(root, 'console', file), path.join(out, file));
  return result;
}

main().catch((error) => {
  console.error(`console build failed: ${error.message}`);
  process.exit(1);
});
