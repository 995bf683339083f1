/**
 * Subject access, as the DPO's story: a child's LA record and police record, a police officer's
 * read of the LA's data, a match decision; the LA's DPO asks what harbour holds. All values invented.
 */
import { insertChildEverywhere } from './fixtures/persons';
import { subjectAccess } from '../src/ingest/sar';
import { startTestHub, type TestHub } from './support/hub';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

test('the DPO gets every record with its source, every disclosure with its basis, every match decision with its reason; other agencies’ items marked', async () => {
  const child = await insertChildEverywhere(hub.database.db, 'sar1', true);
  const [la] = await hub.database.db.query<{ local_id: string; id: string }>(`select local_id, id from identity.source_identity where person_id = $1 and agency = 'LA-213'`, [child.personId]);
  // A police officer reads the child (the missing-child rule releases the LA's identity data).
  const read = await hub.execute(hub.token({ agency: 'POLICE-KENT', kind: 'POLICE', roles: ['OFFICER'], sub: 'pc-77' }), `query ($id: ID!) { person(id: $id) { identities { names { given } contacts { value } } } }`, { id: child.personId });
  expect(read.errors).toBeUndefined();
  const [other] = await hub.database.db.query<{ id: string }>(`select id from identity.source_identity where person_id = $1 and agency = 'HO'`, [child.personId]);
  const [a, b] = [la!.id, other!.id].sort();
  await hub.database.db.query(`insert into identity.judgement (a, b, judgement, reason, sub, agency) values ($1, $2, 'UNSURE', 'photo too old to compare', 'sw-9', 'LA-213')`, [a, b]);

  const sar = await subjectAccess(hub.database.db, 'LA-213', la!.local_id);
  expect(sar.personId).toBe(child.personId);
  expect(sar.records.map((r) => [r.heldBy, r.consultBeforeRelease]).sort()).toEqual([['HO', true], ['LA-213', false], ['POLICE-MPS', true]]);
  const own = sar.records.find((r) => r.heldBy === 'LA-213')!;
  expect(Object.keys(own.facts)).toEqual(expect.arrayContaining(['identity.name', 'care.placement', 'care.missing_episode']));
  expect(sar.disclosures).toEqual(expect.arrayContaining([expect.objectContaining({ sub: 'pc-77', agency: 'POLICE-KENT', category: 'CONTACT', basis: 'MISSING_CHILD_RULE' })]));
  expect(sar.matchDecisions).toEqual([expect.objectContaining({ judgement: 'UNSURE', reason: 'photo too old to compare', sub: 'sw-9' })]);

  // Through GraphQL, for the LA's DPO only, without the other agencies' facts.
  const query = `query ($id: String!) { subjectAccess(localId: $id) }`;
  const dpo = await hub.execute<{ subjectAccess: { records: { heldBy: string; facts: Record<string, unknown> }[] } }>(hub.token({ agency: 'LA-213', kind: 'CHILDRENS_SERVICES', roles: ['DPO'] }), query, { id: la!.local_id });
  expect(dpo.errors).toBeUndefined();
  expect(dpo.data!.subjectAccess.records.find((r) => r.heldBy === 'POLICE-MPS')!.facts).toEqual({});
  expect(Object.keys(dpo.data!.subjectAccess.records.find((r) => r.heldBy === 'LA-213')!.facts).length).toBeGreaterThan(0);
  const caseworker = await hub.execute(hub.token({ agency: 'LA-213', kind: 'CHILDRENS_SERVICES', roles: ['CASEWORKER'] }), query, { id: la!.local_id });
  expect(caseworker.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  const otherDpo = await hub.execute(hub.token({ agency: 'LA-999', kind: 'CHILDRENS_SERVICES', roles: ['DPO'] }), query, { id: la!.local_id });
  expect(otherDpo.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
});
