/**
 * Push and run reports for agency systems. `submitRecords` takes a batch of one feed's records
 * for the caller's own agency, from a SYSTEM-role token only, through the same pipeline as
 * `harbour sync`; `ingestRun` shows a run, with its rejections, to the agency that ran it, and to
 * nobody else ("not found" and "not allowed" look alike).
 */
import { claimedAgency, DataCategory, Public, PublicType, signature } from '../../access';
import { GraphQLJSONObject } from 'graphql-scalars';
import { DateTimeScalar } from '../scalars';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, Field, ID, Info, Int, Mutation, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import { clientPath, type RequestContext } from '../../context';
import { ErrorCode, HarbourError } from '../../errors';
import { feedAgencyRefusal, FEEDS, pushRecords } from '../../ingest';
import { purgeRecords as purge } from '../../ingest/purge';
import { isUuid } from './identity.loader';

export enum Feed { SSDA903 = 'ssda903', LA_PERSON = 'la-person', POLICE = 'police', HOME_OFFICE = 'home-office' }
registerEnumType(Feed, { name: 'Feed', description: 'The source formats harbour reads (feeds.md).' });

@PublicType('shown only to the agency that submitted the run: its own records')
@ObjectType({ description: 'A row that could not be accepted, kept with its run: nothing read is lost.' })
export class IngestRejection {
  @Field(() => Int, { description: 'Position of the item in the run (1-based).' }) ordinal!: number;
  @Field() file!: string;
  @Field(() => Int, { nullable: true }) line!: number | null;
  @Field(() => String, { nullable: true, description: 'XML element path.' }) path!: string | null;
  @Field(() => String, { nullable: true }) field!: string | null;
  @Field() code!: string;
  @Field() reason!: string;
  @Field({ description: 'The raw text of the row.' }) raw!: string;
  @Field(() => Int, { nullable: true, description: 'For a push: the index of the record in `records`.' }) recordIndex!: number | null;
}

/**
 * What became of what a run read: read = inserted + updated + unchanged + rejected + the records
 * purged by their purge flag. The fields of
 * both types below; type-graphql emits only reachable types, so this base never appears itself.
 */
@ObjectType()
abstract class IngestCounts {
  @Field() feed!: string;
  @Field() agency!: string;
  @Field(() => Int) read!: number;
  @Field(() => Int) inserted!: number;
  @Field(() => Int) updated!: number;
  @Field(() => Int) unchanged!: number;
  @Field(() => Int) rejected!: number;
  @Field(() => Int) retracted!: number;
  @Field(() => Int, { description: 'Records purged, with everything derived from them: by their purge flag, or (purgeMissing) gone from a whole snapshot.' }) purged!: number;
  @Field(() => Int) warnings!: number;
}

@PublicType('the caller’s own run')
@ObjectType()
export class IngestSummary extends IngestCounts {
  @Field(() => ID) runId!: string;
  @Field(() => Int) durationMs!: number;
  @Field(() => String, { nullable: true, description: 'For full: true, when the records are not a whole snapshot (none accepted, or the input is empty or cut off): why nothing was retracted (or, with purgeMissing, purged). Null otherwise.' })
  incompleteSnapshot!: string | null;
  @Field(() => [IngestRejection]) rejections!: IngestRejection[];
}

@PublicType('a run of the caller’s own agency')
@ObjectType({ description: 'One ingest run: what was read and what became of it.' })
export class IngestRun extends IngestCounts {
  @Field(() => ID) id!: string;
  @Field({ description: 'RUNNING, COMPLETED or FAILED.' }) phase!: string;
  @Field(() => String, { nullable: true, description: 'Why a FAILED run stopped: READ_FAILED, DATABASE_FAILED or INTERNAL_ERROR. The same input pushed again resumes it.' })
  failure!: string | null;
  @Field() fullSnapshot!: boolean;
  @Field({ description: 'A full snapshot sent with purgeMissing: what it no longer held was purged, not retracted.' }) purgeMissing!: boolean;
  @Field(() => DateTimeScalar) startedAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true }) finishedAt!: Date | null;

  @Field(() => [IngestRejection], { description: 'In the order they were read.' })
  async rejections(
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { defaultValue: 100 }) first: number,
    @Arg('offset', () => Int, { defaultValue: 0 }) offset: number,
  ): Promise<IngestRejection[]> {
    if (first < 0 || first > 1000 || offset < 0) throw new HarbourError(ErrorCode.BAD_USER_INPUT, 'first must be 0–1000 and offset ≥ 0');
    return rejectionsOf(ctx, this.id, first, offset);
  }
}

async function rejectionsOf(ctx: RequestContext, runId: string, first: number, offset: number, indexOf?: (file: string, line: number | null) => number | null): Promise<IngestRejection[]> {
  const rows = await ctx.db.query<Omit<IngestRejection, 'recordIndex'>>(
    'select ordinal, file, line, path, field, code, reason, raw from ingest.rejection where run_id = $1 order by ordinal limit $2 offset $3',
    [runId, first, offset],
  );
  return rows.map((r) => Object.assign(new IngestRejection(), r, { recordIndex: indexOf ? indexOf(r.file, r.line) : null }));
}

/**
 * The agency a SYSTEM token supplies `feed` for, or FORBIDDEN: records are the agency's own, so only
 * a system of the kind its code stands for, and only for a feed an agency of its kind supplies (an
 * LA's system cannot push or purge police records).
 */
function sourceSystem(ctx: RequestContext, feed: Feed, what: string): string {
  if (!ctx.principal.roles.includes('SYSTEM')) throw new HarbourError(ErrorCode.FORBIDDEN, `Only an agency system (SYSTEM role) may ${what} records.`);
  const agency = ctx.access.own;
  if (agency === undefined) throw new HarbourError(ErrorCode.FORBIDDEN, `Only a ${claimedAgency(ctx.principal)} system of the kind that code stands for may ${what} its records, not ${ctx.principal.agencyKind}.`);
  const refusal = feedAgencyRefusal(FEEDS[feed]!, agency);
  if (refusal) throw new HarbourError(ErrorCode.FORBIDDEN, `feed: ${refusal}`, { argument: 'feed' });
  return agency;
}

@ObjectType({ description: 'What a purge removed.' })
export class PurgeSummary {
  @Public('a count') @Field(() => Int, { description: 'Records (source identities) purged, with everything derived from them.' }) purged!: number;
}

@Resolver()
export class IngestResolver {
  @Public('the caller’s own records, from a SYSTEM token', 'Mutation')
  @Mutation(() => IngestSummary, { description: 'Records of one feed from the caller’s own agency system (SYSTEM role); the same pipeline as harbour sync.' })
  async submitRecords(
    @Arg('feed', () => Feed) feed: Feed,
    @Arg('records', () => [GraphQLJSONObject]) records: Record<string, unknown>[],
    @Arg('full', { defaultValue: false, description: 'The records are the agency’s complete current set of this feed.' }) full: boolean,
    @Arg('purgeMissing', { defaultValue: false, description: 'With full: what the set no longer holds was deleted at source, and is purged (as purgeRecords does) rather than retracted; only when the set is whole.' }) purgeMissing: boolean,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<IngestSummary> {
    const agency = sourceSystem(ctx, feed, 'submit');
    if (purgeMissing && !full) throw new HarbourError(ErrorCode.BAD_USER_INPUT, 'purgeMissing: only with full: true (a whole current set says what was deleted)', { argument: 'purgeMissing' });
    // Records purged (a purge flag, or gone from a snapshot sent with purgeMissing) are audited as
    // purgeRecords audits them: a change to each child they belonged to.
    const purgedFrom = new Set<string>();
    const { summary, recordIndexOf } = await pushRecords(ctx.db, ctx.log, feed, agency, records, full, { purgeMissing, matchThresholds: ctx.matchThresholds,
      onPurged: async (_tx, personIds) => personIds.forEach((p) => purgedFrom.add(p)) });
    for (const personId of purgedFrom) ctx.access.recordChange(personId, DataCategory.IDENTITY, clientPath(info.path, ctx));
    ctx.log.info({ runId: summary.runId, feed, read: summary.read, rejected: summary.rejected, purged: summary.purged }, 'records pushed');
    return Object.assign(new IngestSummary(), summary, { rejections: await rejectionsOf(ctx, summary.runId, 1000, 0, recordIndexOf) });
  }

  @Public('the caller’s own records, from a SYSTEM token', 'Mutation')
  @Mutation(() => PurgeSummary, { description: 'Delete records the caller’s agency supplied (a deletion at source), with everything harbour derived from them; the audit keeps its events. Every id must be a record of this feed the agency holds, or nothing is purged.' })
  async purgeRecords(
    @Arg('feed', () => Feed) feed: Feed,
    @Arg('localIds', () => [String]) localIds: string[],
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<PurgeSummary> {
    const agency = sourceSystem(ctx, feed, 'purge');
    if (localIds.length === 0 || localIds.length > 1000) throw new HarbourError(ErrorCode.BAD_USER_INPUT, 'localIds: give 1 to 1000 local ids', { argument: 'localIds' });
    const result = await ctx.db.transaction((tx) => purge(tx, agency, FEEDS[feed]!, localIds, `purged at source by ${signature(ctx.principal)}`));
    // The same audit as a purge flag's (submitRecords): a change to each child the records belonged to.
    for (const personId of result.personIds) ctx.access.recordChange(personId, DataCategory.IDENTITY, clientPath(info.path, ctx));
    ctx.log.info({ feed, purged: result.purged }, 'records purged at source');
    return Object.assign(new PurgeSummary(), { purged: result.purged });
  }

  @Public('a run of the caller’s own agency; null for any other', 'Query')
  @Query(() => IngestRun, { nullable: true, description: 'A run of the caller’s own agency; null for any other.' })
  async ingestRun(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<IngestRun | null> {
    if (!isUuid(id) || ctx.access.own === undefined) return null;
    const [row] = await ctx.db.query<Record<string, unknown>>(
      `select id, feed, agency, phase, failure, full_snapshot as "fullSnapshot", purge_missing as "purgeMissing", started_at as "startedAt", finished_at as "finishedAt",
              read, inserted, updated, unchanged, rejected, retracted, purged + purged_missing as purged, warnings
         from ingest.run where id = $1 and agency = $2`,
      [id, ctx.access.own],
    );
    return row ? Object.assign(new IngestRun(), row) : null;
  }
}
