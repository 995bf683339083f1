/** Relay connection structure shared by subgraphs (api.md: `{ edges { node cursor } pageInfo totalCount }`). */
import { Directive, Field, ObjectType } from 'type-graphql';
import { PublicType } from '../access';

@PublicType('connection structure')
@Directive('@shareable')
@ObjectType()
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

export const encodeCursor = (...parts: string[]): string => Buffer.from(parts.join('|')).toString('base64url');
export const decodeCursor = (cursor: string): string[] => Buffer.from(cursor, 'base64url').toString('utf8').split('|');
