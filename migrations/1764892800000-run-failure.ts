import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An ingest run interrupted by an unexpected error ends FAILED with a coded reason (READ_FAILED,
 * DATABASE_FAILED, INTERNAL_ERROR) instead of staying RUNNING; the same input run again resumes
 * it, so the resume index covers FAILED runs too.
 */
export class RunFailure1764892800000 implements MigrationInterface {
  name = 'RunFailure1764892800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table ingest.run add column failure text check ((phase = 'FAILED') = (failure is not null))`);
    await q.query(`drop index ingest.run_resume`);
    await q.query(`create index run_resume on ingest.run (feed, agency, input_digest) where phase <> 'COMPLETED'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index ingest.run_resume`);
    await q.query(`create index run_resume on ingest.run (feed, agency, input_digest) where phase = 'RUNNING'`);
    await q.query(`alter table ingest.run drop column failure`);
  }
}
