/** Loading generated feeds through the real connectors and ingest, agency by agency. */
import type { Db } from '../db';
import { FEEDS, ingest, type IngestSummary } from '../ingest';
import type { Logger } from '../log';
import { generatedSets } from './generate';

export async function loadGenerated(db: Db, log: Logger, dir: string): Promise<IngestSummary[]> {
  const summaries: IngestSummary[] = [];
  for (const { agency, feed, files } of generatedSets(dir)) {
    const applier = FEEDS[feed];
    if (!applier) throw new Error(`demo load: no feed named ${feed} (folder ${agency}/${feed})`);
    summaries.push(await ingest(db, log, applier, { agency, files }));
  }
  return summaries;
}
