/**
 * Reads of the identity model through the gateway, with the field guards every agency meets:
 * merged ids resolve to their survivor, sealed locations stay sealed, and "not found" and
 * "not allowed" look alike.
 */
import { insertPerson } from './fixtures/persons';
import { startTestHub, type TestHub } from './support/hub';

let hub: TestHub;
const la213 = () => hub.token({ agency: 'LA-213', kind: 'CHILDRENS_SERVICES' });
const la886 = () => hub.token({ agency: 'LA-886', kind: 'CHILDRENS_SERVICES' });
const nhs = () => hub.token({ agency: 'NHS-RJ1', kind: 'HEALTH' });

beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

test('a merged-away person id resolves to its survivor', async () => {
  const survivor = await insertPerson(hub.database.db, 1, ['LA-213']);
  const merged = await insertPerson(hub.database.db, 1, ['LA-213']);
  await hub.database.db.query('update identity.person set replaced_by = $1, replaced_at = now() where id = $2', [survivor.personId, merged.personId]);
  const response = await hub.execute<{ person: { id: string; replacedBy: string | null } }>(la213(), 'query ($id: ID!) { person(id: $id) { id replacedBy } }', { id: merged.personId });
  expect(response.data?.person).toEqual({ id: survivor.personId, replacedBy: null });
});

test('an unknown or malformed person id is simply null', async () => {
  for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
    const response = await hub.execute(la213(), 'query ($id: ID!) { person(id: $id) { id } }', { id });
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ person: null });
  }
});

test('the placement postcode is sealed: another LA gets null and a withheld entry, the owning LA sees it', async () => {
  const { personId } = await insertPerson(hub.database.db, 1, ['LA-213']);
  const query = 'query ($id: ID!) { person(id: $id) { care { placements { placementType postcode } } } }';

  const own = await hub.execute<{ person: { care: { placements: { postcode: string | null }[] } } }>(la213(), query, { id: personId });
  expect(own.data?.person.care.placements).toEqual([{ placementType: 'K2', postcode: 'CT16 1AA' }]);
  expect(own.extensions?.withheld).toBeUndefined();

  const other = await hub.execute<{ person: { care: { placements: { postcode: string | null }[] } } }>(la886(), query, { id: personId });
  expect(other.data?.person.care.placements).toEqual([{ placementType: 'K2', postcode: null }]);
  expect(other.extensions?.withheld).toEqual([
    { path: ['person', 'care', 'placements', 0, 'postcode'], category: 'LOCATION', releasableWith: ['CONSENT', 'JUSTIFICATION'] },
  ]);
  expect(JSON.stringify(other)).not.toContain('CT16');
});

test('a health viewer sees names but not identifiers, and is told which basis would release them', async () => {
  const { personId } = await insertPerson(hub.database.db, 1, ['LA-213']);
  const response = await hub.execute<{ person: { identities: { names: unknown[] | null; identifiers: unknown[] | null; localId: string | null }[] } }>(
    nhs(),
    'query ($id: ID!) { person(id: $id) { identities { localId names { given } identifiers { value } } } }',
    { id: personId },
  );
  const [identity] = response.data!.person.identities;
  expect(identity!.names).toHaveLength(2);
  expect(identity!.identifiers).toBeNull();
  expect(identity!.localId).toBeNull();
  expect(response.extensions?.withheld).toEqual(
    expect.arrayContaining([{ path: ['person', 'identities', 0, 'identifiers'], category: 'IDENTIFIERS', releasableWith: ['CONSENT', 'JUSTIFICATION'] }]),
  );
});

test('personBySourceRecord: found for an agency that may see the identifiers, null (as for unknown) for one that may not', async () => {
  const tag = 'psr';
  const { personId } = await insertPerson(hub.database.db, 1, ['LA-213'], tag);
  const query = 'query ($agency: String!, $localId: String!) { personBySourceRecord(agency: $agency, localId: $localId) { id } }';
  const found = await hub.execute(la886(), query, { agency: 'LA-213', localId: `${tag}-0` });
  expect(found.data).toEqual({ personBySourceRecord: { id: personId } });
  const hidden = await hub.execute(nhs(), query, { agency: 'LA-213', localId: `${tag}-0` });
  const unknown = await hub.execute(nhs(), query, { agency: 'LA-213', localId: 'no-such-record' });
  expect(hidden.data).toEqual({ personBySourceRecord: null });
  expect(unknown.data).toEqual({ personBySourceRecord: null });
  expect(hidden.errors).toEqual(unknown.errors);
  expect(hidden.extensions?.withheld).toEqual(unknown.extensions?.withheld);
});
