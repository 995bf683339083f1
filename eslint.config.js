// @ts-check
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

const subgraphs = ['identity', 'care', 'police', 'immigration', 'safeguarding', 'access'];

/** Only src/db, ormconfig.ts and *.entity.ts import typeorm (type-only imports are fine). */
const noTypeorm = { name: 'typeorm', message: 'Only src/db, ormconfig.ts and *.entity.ts import typeorm.', allowTypeImports: true };

/** Subgraphs never import each other. */
const notOtherSubgraphs = (name) => ({
  group: subgraphs.filter((other) => other !== name).flatMap((other) => [`../${other}`, `../${other}/*`, `**/subgraphs/${other}`, `**/subgraphs/${other}/*`]),
  message: 'Subgraphs never import each other.',
});

// One config object per file group: ESLint does not merge a rule's options across objects.
module.exports = tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.harbour/', 'coverage/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['src/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noTypeorm] }] },
  },
  ...subgraphs.map((name) => ({
    files: [`src/subgraphs/${name}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { paths: [noTypeorm], patterns: [notOtherSubgraphs(name)] }] },
  })),
  ...subgraphs.map((name) => ({
    files: [`src/subgraphs/${name}/**/*.entity.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns: [notOtherSubgraphs(name)] }] },
  })),
  { files: ['src/db/**/*.ts'], rules: { 'no-restricted-imports': 'off' } },
  {
    // The matching library is pure: names, comparisons, the model and explanations; the store's
    // side of matching is src/resolution.
    files: ['src/matching/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noTypeorm],
        patterns: [{ regex: '^\\.\\./(db|resolution|subgraphs|ingest|gateway|access|cli)(/|$)|connectors/', message: 'src/matching is the pure library: no database, store, subgraph or connector.' }],
      }],
    },
  },
  {
    files: ['connectors/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noTypeorm],
        patterns: [{ regex: '^(\\.\\./)+src/(?!matching/normalise)', message: 'Connectors import only connectors/kit and src/matching/normalise.' }],
      }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/config/**', 'src/log.ts', 'src/cli/**'],
    rules: { 'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read the environment in src/config only.' }] },
  },
);
