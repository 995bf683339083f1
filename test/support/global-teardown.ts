import { Client } from 'pg';

/** Drop the databases the files cloned (so the next run's server is sized for a clean home), then stop the server. */
export default async function globalTeardown(): Promise<void> {
  const url = process.env.HARBOUR_TEST_ADMIN_URL;
  if (url) {
    const admin = new Client({ connectionString: url });
    try {
      await admin.connect();
      const clones = await admin.query<{ datname: string }>(`select datname from pg_database where datname like 'harbour\\_t\\_%'`);
      for (const { datname } of clones.rows) await admin.query(`drop database if exists "${datname}" with (force)`);
    } catch {
      // the next run's setup drops them too
    } finally {
      await admin.end().catch(() => undefined);
    }
  }
  await (globalThis as { __harbourPg?: { stop(): Promise<void> } }).__harbourPg?.stop();
}
