/**
 * Every operation the console sends is one the hub accepts: valid against the schema (gql.tada
 * checks that in npm run check) and within the hub's depth, alias and cost limits, which only the
 * hub knows. A screen whose query grew too costly fails here, not in a user's browser.
 */
import { print } from 'graphql';
import * as operations from '../console/src/queries';
import { startTestHub, type TestHub } from './support/hub';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

const documents = Object.entries(operations).filter(([, d]) => (d as unknown as { definitions?: readonly { kind: string }[] }).definitions?.some((x) => x.kind === 'OperationDefinition'));

test('the console has operations to check', () => {
  expect(documents.length).toBeGreaterThan(10);
});

test.each(documents)('%s is within the hub’s limits', async (_name, document) => {
  const token = hub.token({ agency: 'LA-886', kind: 'CHILDRENS_SERVICES', roles: ['MASH_COORDINATOR'] });
  // Variables of the right shape; the answers do not matter, only that the hub runs the operation.
  const variables = { id: '00000000-0000-4000-8000-000000000000', personId: '00000000-0000-4000-8000-000000000000', status: 'OPEN', first: 25, sub: 'someone', category: 'LOCATION', example: { names: [{ given: 'Helen' }] }, reason: 'a reason of enough length', decision: 'UNSURE', outcome: 'JUSTIFIED', discussionId: '00000000-0000-4000-8000-000000000000' };
  const response = await hub.execute(token, print(document as never), variables);
  const codes = (response.errors ?? []).map((e) => e.extensions?.code);
  expect(codes).not.toContain('QUERY_TOO_COMPLEX');
  expect(codes).not.toContain('GRAPHQL_VALIDATION_FAILED');
  expect(codes).not.toContain('INTERNAL_SERVER_ERROR');
});
