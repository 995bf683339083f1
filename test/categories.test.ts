/** The data categories of api.md sit on the fields that carry them, in every subgraph. */
import { GUARDED_FIELDS } from '../src/access';
import { buildSubgraphs } from '../src/subgraphs';

beforeAll(() => buildSubgraphs());

test.each([
  ['SourceIdentity.localId', 'IDENTIFIERS'],
  ['SourceIdentity.names', 'IDENTITY'],
  ['SourceIdentity.birthDates', 'IDENTITY'],
  ['SourceIdentity.sex', 'IDENTITY'],
  ['SourceIdentity.nationality', 'IDENTITY'],
  ['SourceIdentity.identifiers', 'IDENTIFIERS'],
  ['SourceIdentity.biometrics', 'BIOMETRIC_REFS'],
  ['SourceIdentity.contacts', 'CONTACT'],
  ['CareRecord.placements', 'CARE_PLAN'],
  ['CareRecord.missingEpisodes', 'MISSING'],
  ['Placement.postcode', 'LOCATION'],
  ['MissingEpisode.lastSeenLocation', 'LOCATION'],
  ['MissingEpisode.foundLocation', 'LOCATION'],
  ['PoliceRecord.missingReports', 'MISSING'],
  ['PoliceRecord.custody', 'CRIMINAL'],
  ['ImmigrationRecord.status', 'IMMIGRATION'],
  ['ImmigrationRecord.encounters', 'IMMIGRATION'],
  ['ImmigrationRecord.nrm', 'EXPLOITATION'],
])('%s is guarded as %s', (field, category) => {
  expect(GUARDED_FIELDS.get(field)).toBe(category);
});
