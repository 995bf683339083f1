/**
 * `recordJudgement(a, b, judgement, reason)`: a named person's decision on whether two source
 * identities are the same child. POSITIVE links them (their persons merge; the oldest id
 * survives, the other resolves to it); NEGATIVE separates them (the identity `b` leaves its
 * person with its links removed, and no automatic link may join the pair again); UNSURE is
 * recorded only. Every judgement and every change to a person is recorded.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, ID, Info, Mutation, Resolver, registerEnumType } from 'type-graphql';
import { DataCategory, GuardedInResolver, signature } from '../../access';
import { clientPath, type RequestContext } from '../../context';
import { ErrorCode, HarbourError } from '../../errors';
import { linkIfAllowed, rebuildPersons, unlink, type PersonChange } from '../../resolution';
import { identityLoaders, isUuid } from './identity.loader';
import { auditDecision, effectOf, insertJudgement, personsOf, settleJudgement } from './judgements';
import { Person } from './identity.types';

export enum Judgement { POSITIVE = 'POSITIVE', NEGATIVE = 'NEGATIVE', UNSURE = 'UNSURE' }
registerEnumType(Judgement, { name: 'Judgement', description: 'Whether two source identities are the same child, as a person judged it.' });

const JUDGES = new Set(['CASEWORKER', 'OFFICER', 'ANALYST', 'MASH_COORDINATOR']);
const MIN_REASON = 10;

@Resolver()
export class JudgementResolver {
  @GuardedInResolver('IDENTITY of both records: NOT_FOUND when either is withheld', 'Mutation')
  @Mutation(() => Person, { nullable: true, description: 'Judge whether two source identities (ids of SourceIdentity) are the same child; returns the person holding `a` afterwards.' })
  async recordJudgement(
    @Arg('a', () => ID) a: string,
    @Arg('b', () => ID) b: string,
    @Arg('judgement', () => Judgement) judgement: Judgement,
    @Arg('reason') reason: string,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Person | null> {
    const { principal } = ctx;
    if (!principal.roles.some((r) => JUDGES.has(r))) throw new HarbourError(ErrorCode.FORBIDDEN, 'recordJudgement: needs a CASEWORKER, OFFICER, ANALYST or MASH_COORDINATOR role');
    if (reason.trim().length < MIN_REASON) throw new HarbourError(ErrorCode.BAD_USER_INPUT, `recordJudgement: the reason must say why, in at least ${MIN_REASON} characters`);
    if (!isUuid(a) || !isUuid(b) || a === b) throw new HarbourError(ErrorCode.BAD_USER_INPUT, 'recordJudgement: a and b must be two different source identity ids');
    const rows = await ctx.db.query<{ id: string; person_id: string; agency: string }>(
      `select id, person_id, agency from identity.source_identity where id = any($1::uuid[]) and retracted_at is null`,
      [[a, b]],
    );
    // The caller must be allowed to see who both records are: otherwise "not found".
    const path = clientPath(info.path, ctx);
    const released = await Promise.all(rows.map((r) => ctx.access.check(r.person_id, r.agency, DataCategory.IDENTITY, path, false)));
    const visible = rows.filter((_, i) => released[i]);
    if (visible.length !== 2) throw new HarbourError(ErrorCode.NOT_FOUND, 'recordJudgement: no such source identities');
    const [x, y] = a < b ? [a, b] : [b, a];
    const cause = `${judgement} judgement by ${signature(principal)}`;
    await ctx.db.transaction(async (tx) => {
      const before = await personsOf(tx, [x, y]);
      const { id, other } = await insertJudgement(tx, x, y, judgement, reason, principal);
      let changes: PersonChange[] = [];
      switch (judgement) {
        case Judgement.POSITIVE:
          if (!(await linkIfAllowed(tx, x, y, 'JUDGEMENT', `POSITIVE judgement by ${principal.sub}`))) {
            throw new HarbourError(ErrorCode.BAD_USER_INPUT, 'recordJudgement: a NEGATIVE judgement stands between identities of these two persons; record a POSITIVE judgement on that pair first');
          }
          changes = await rebuildPersons(tx, [x, y], cause);
          break;
        case Judgement.NEGATIVE: {
          const others = await unlink(tx, b);
          changes = await rebuildPersons(tx, [a, b, ...others], cause);
          break;
        }
        case Judgement.UNSURE:
          break;
      }
      const { effect, persons } = effectOf(judgement, changes, before);
      await settleJudgement(tx, id, effect, persons);
      auditDecision(ctx.access, before, other, path);
    });
    const [after] = await ctx.db.query<{ person_id: string }>(`select person_id from identity.source_identity where id = $1`, [a]);
    return after ? identityLoaders(ctx).person.load(after.person_id) : null;
  }
}
