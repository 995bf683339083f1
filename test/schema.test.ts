/** schema/ is the committed contract: it must be exactly what the code composes. */
import fs from 'node:fs';
import path from 'node:path';
import { buildASTSchema, parse } from 'graphql';
import { expectedSchemaFiles, schemaDir, schemaDrift } from '../src/gateway/compose';

test('schema/ matches the code (run `npm run schema` after changing a type)', async () => {
  expect(await schemaDrift()).toEqual([]);
});

test('the supergraph carries the public contract of api.md', async () => {
  const files = await expectedSchemaFiles();
  const supergraph = files.get('supergraph.graphql')!;
  for (const subgraph of ['IDENTITY', 'CARE', 'POLICE', 'IMMIGRATION', 'SAFEGUARDING', 'ACCESS']) {
    expect(supergraph).toContain(`${subgraph} @join__graph(name: "${subgraph.toLowerCase()}"`);
  }
  const api = buildASTSchema(parse(fs.readFileSync(path.join(schemaDir(), 'supergraph.graphql'), 'utf8')), { assumeValidSDL: true });
  const query = api.getQueryType()!.getFields();
  expect(Object.keys(query)).toEqual(expect.arrayContaining(['me', 'person', 'personBySourceRecord']));
  const person = api.getType('Person') as unknown as { getFields(): Record<string, unknown> };
  expect(Object.keys(person.getFields())).toEqual(expect.arrayContaining(['id', 'replacedBy', 'identities', 'care', 'police', 'immigration', 'safeguarding']));
  const identity = api.getType('SourceIdentity') as unknown as { getFields(): Record<string, unknown> };
  expect(Object.keys(identity.getFields())).toEqual(
    expect.arrayContaining(['id', 'agency', 'feed', 'localId', 'names', 'birthDates', 'sex', 'nationality', 'identifiers', 'biometrics', 'contacts']),
  );
});
