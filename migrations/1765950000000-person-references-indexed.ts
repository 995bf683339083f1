import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The two columns that reference a person and had no index (Lifecycle1765700000000 indexed those
 * that reference a source identity): deleting a person — a purge, retention's "a person with no
 * live record" — checked each of them by reading person_event and match_alert whole.
 */
const UNINDEXED: readonly [table: string, column: string][] = [['identity.person_event', 'other_person_id'], ['identity.match_alert', 'missing_person_id']];
const indexName = (table: string, column: string) => `${table.split('.')[1]}_${column}_ref`;

export class PersonReferencesIndexed1765950000000 implements MigrationInterface {
  name = 'PersonReferencesIndexed1765950000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, column] of UNINDEXED) await q.query(`create index if not exists ${indexName(table, column)} on ${table} (${column})`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, column] of UNINDEXED) await q.query(`drop index if exists ${table.split('.')[0]}.${indexName(table, column)}`);
  }
}
