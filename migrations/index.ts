/** Every migration, in order. TypeORM 1 needs them listed explicitly (no globbing of compiled files). */
import { Foundation1763856000000 } from './1763856000000-foundation';
import { Ingest1763942400000 } from './1763942400000-ingest';
import { HomeOffice1764028800000 } from './1764028800000-home-office';
import { LaPerson1764115200000 } from './1764115200000-la-person';
import { Timeline1764201600000 } from './1764201600000-timeline';
import { Matching1764288000000 } from './1764288000000-matching';
import { MatchAlerts1764374400000 } from './1764374400000-match-alerts';
import { Access1764460800000 } from './1764460800000-access';
import { Strategy1764547200000 } from './1764547200000-strategy';
import { Bases1764633600000 } from './1764633600000-bases';
import { BareIdentities1764720000000 } from './1764720000000-bare-identities';
import { KeysVersion1764806400000 } from './1764806400000-keys-version';
import { RunFailure1764892800000 } from './1764892800000-run-failure';
import { ConsentRecord1765000000000 } from './1765000000000-consent-record';
import { SuggestionQueue1765100000000 } from './1765100000000-suggestion-queue';
import { AuditKeyed1765186400000 } from './1765186400000-audit-keyed';
import { RuntimeRole1765272800000 } from './1765272800000-runtime-role';
import { AlertPerChild1765300000000 } from './1765300000000-alert-per-child';
import { ActionUpdates1765400000000 } from './1765400000000-action-updates';
import { JudgementEffect1765500000000 } from './1765500000000-judgement-effect';
import { QueueRead1765600000000 } from './1765600000000-queue-read';
import { Lifecycle1765700000000 } from './1765700000000-lifecycle';
import { AuditCanonicalFast1765900000000 } from './1765900000000-audit-canonical-fast';
import { PersonReferencesIndexed1765950000000 } from './1765950000000-person-references-indexed';
import { RetentionDue1766000000000 } from './1766000000000-retention-due';
import { QueueDeferred1766300000000 } from './1766300000000-queue-deferred';

export const migrations = [Foundation1763856000000, Ingest1763942400000, HomeOffice1764028800000, LaPerson1764115200000, Timeline1764201600000, Matching1764288000000, MatchAlerts1764374400000, Access1764460800000, Strategy1764547200000, Bases1764633600000, BareIdentities1764720000000, KeysVersion1764806400000, RunFailure1764892800000, ConsentRecord1765000000000, SuggestionQueue1765100000000, AuditKeyed1765186400000, RuntimeRole1765272800000, AlertPerChild1765300000000, ActionUpdates1765400000000, JudgementEffect1765500000000, QueueRead1765600000000, Lifecycle1765700000000, AuditCanonicalFast1765900000000, PersonReferencesIndexed1765950000000, RetentionDue1766000000000, QueueDeferred1766300000000];
