/**
 * Composition: the subgraph SDLs and the supergraph, and where they are committed (`schema/`).
 */
import 'reflect-metadata'; // before any type-graphql class: the CLI loads this module on demand
import { composeServices } from '@apollo/composition';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'graphql';
import { projectRoot } from '../config/root';
import { buildSubgraphs, SUBGRAPH_NAMES, type BuiltSubgraph } from '../subgraphs';

export { projectRoot };

export const schemaDir = () => path.join(projectRoot(), 'schema');

/** The routing URL written into the committed supergraph: the docker-compose service names. */
export const defaultSubgraphUrl = (name: string) => `http://${name}:4000/graphql`;

export function composeSupergraph(subgraphs: readonly BuiltSubgraph[], urlFor: (name: string) => string = defaultSubgraphUrl): string {
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: urlFor(s.name), typeDefs: parse(s.sdl) })));
  if (result.errors) throw new Error(`composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  return result.supergraphSdl;
}

/** Every file of `schema/` as the code produces it now: `<name>.graphql` per subgraph and the supergraph. */
export async function expectedSchemaFiles(): Promise<Map<string, string>> {
  const subgraphs = await buildSubgraphs();
  const files = new Map<string, string>();
  for (const s of subgraphs) files.set(`${s.name}.graphql`, `${s.sdl.trim()}\n`);
  files.set('supergraph.graphql', `${composeSupergraph(subgraphs).trim()}\n`);
  return files;
}

/** Compare `schema/` with the code; the names of files that differ (or are missing). */
export async function schemaDrift(): Promise<string[]> {
  const drift: string[] = [];
  for (const [file, expected] of await expectedSchemaFiles()) {
    const full = path.join(schemaDir(), file);
    if (!fs.existsSync(full) || fs.readFileSync(full, 'utf8') !== expected) drift.push(file);
  }
  return drift;
}

export async function writeSchemaFiles(): Promise<string[]> {
  fs.mkdirSync(schemaDir(), { recursive: true });
  const written: string[] = [];
  for (const [file, content] of await expectedSchemaFiles()) {
    fs.writeFileSync(path.join(schemaDir(), file), content);
    written.push(file);
  }
  return written;
}

export function readCommittedSupergraph(): string {
  return fs.readFileSync(path.join(schemaDir(), 'supergraph.graphql'), 'utf8');
}

export { SUBGRAPH_NAMES };
