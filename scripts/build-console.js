#!/usr/bin/env node
/**
 * Build the console (console/src, Preact + TypeScript) into dist/console: one minified ES module,
 * one stylesheet and the page that loads them. No inline script or style, so the hub can serve
 * it under `default-src 'self'`. Part of `npm run build`, so `npm install` (prepare) builds it.
 *
 * A second, separate bundle is the developers' GraphiQL (console/graphiql, React): graphiql.js,
 * graphiql.css and graphiql.html, loaded only by the IDE page the hub serves at GET /graphql
 * outside production. Nothing of it is in app.js.
 */
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const out = path.join(root, 'dist', 'console');

/**
 * react-style-singleton (Radix's dialog scroll lock, inside GraphiQL) writes a <style> element,
 * which `style-src 'self'` refuses: its stylesheetSingleton is replaced by one that adopts a
 * constructed stylesheet (console/graphiql/stylesheet-singleton.ts). Fails the build if GraphiQL
 * no longer brings it, so the stand-in does not outlive its reason.
 */
function constructedStylesheets() {
  const shim = path.join(root, 'console', 'graphiql', 'stylesheet-singleton.ts');
  let replaced = 0;
  return {
    name: 'constructed-stylesheets',
    setup(build) {
      build.onLoad({ filter: /[\\/]react-style-singleton[\\/]dist[\\/][^\\/]+[\\/]singleton\.js$/ }, () => {
        replaced++;
        return { contents: fs.readFileSync(shim, 'utf8'), loader: 'ts', resolveDir: path.dirname(shim) };
      });
      build.onEnd((result) => {
        if (result.errors.length === 0 && replaced === 0) throw new Error('react-style-singleton is no longer in the GraphiQL bundle: drop the constructed-stylesheets plugin');
      });
    },
  };
}

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
  await esbuild.build({
    entryPoints: { graphiql: path.join(root, 'console', 'graphiql', 'main.tsx') },
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'react',
    // React's and graphql's production builds (no development checks, no process global).
    define: { 'process.env.NODE_ENV': '"production"' },
    outdir: out,
    sourcemap: false,
    legalComments: 'linked',
    logLevel: 'warning',
    loader: { '.css': 'css' },
    plugins: [constructedStylesheets()],
  });
  fs.copyFileSync(path.join(root, 'console', 'graphiql', 'index.html'), path.join(out, 'graphiql.html'));
  return result;
}

main().catch((error) => {
  console.error(`console build failed: ${error.message}`);
  process.exit(1);
});
