export { FEEDS } from './feeds';
export { ingest, type IngestOptions, type IngestSummary } from './run';
export { feedAgencyRefusal, type FeedApplier } from './feed';
export { pushRecords, MAX_PUSH_RECORDS, type PushResult } from './push';
