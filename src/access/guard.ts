/**
 * Field guards. Every sensitive field carries `@Sensitive(category)`; the category lives in the
 * guard's own arguments because `@Extensions` metadata does not survive `buildSubgraphSchema`.
 *
 * The parent object of a guarded field must say whose fact it is: `personId` (the subject) and
 * `ownerAgency` (the supplier). A list of such facts is filtered item by item, so an agency always sees
 * its own items of a list it may not otherwise see; a withheld field or item resolves to null (or
 * is left out) and is reported in `extensions.withheld`, never its value.
 */
import { UseMiddleware, type MiddlewareFn } from 'type-graphql';
import { clientPath, type RequestContext } from '../context';
import type { DataCategory } from './categories';
import { OWN_AGENCY } from './decisions';

/** The owner of a fact: the subject person and the supplying agency (absent when mixed). */
export interface Owned {
  readonly personId: string;
  readonly ownerAgency?: string;
}

function isOwned(value: unknown): value is Owned {
  return typeof value === 'object' && value !== null && typeof (value as Owned).personId === 'string';
}

/** Registry of guarded fields, `Type.field` → category; the schema walk test reads it. */
export const GUARDED_FIELDS = new Map<string, DataCategory>();

export function Sensitive(category: DataCategory): MethodDecorator & PropertyDecorator {
  const middleware: MiddlewareFn<RequestContext> = async ({ root, context, info }, next) => {
    if (!isOwned(root)) throw new Error(`guard on ${info.parentType.name}.${info.fieldName}: parent has no personId`);
    const path = clientPath(info.path, context);
    const access = context.access;
    const decision = await access.decide(root.personId, root.ownerAgency, category);
    access.record(root.personId, category, path, decision);
    if (decision.kind === 'RELEASED') return next();
    if (root.ownerAgency !== undefined) return null;
    // Mixed owners and the category withheld: the reader still sees its own agency's items.
    // Null otherwise, whether or not other agencies hold any: "none" and "not allowed" look alike.
    const value: unknown = await next();
    const mine = (item: unknown) => isOwned(item) && item.ownerAgency !== undefined && item.ownerAgency === access.own;
    const own = (Array.isArray(value) ? value : [value]).filter(mine);
    // What is released is the reader's own: audited as such, item by item, at the client's paths.
    own.forEach((item: Owned, i) => access.record(item.personId, category, Array.isArray(value) ? [...path, i] : path, OWN_AGENCY));
    if (!Array.isArray(value)) return own.length ? value : null;
    return own.length > 0 ? own : null;
  };
  const decorator = UseMiddleware(middleware);
  return (target: object, propertyKey: string | symbol, descriptor?: PropertyDescriptor) => {
    GUARDED_FIELDS.set(`${target.constructor.name}.${String(propertyKey)}`, category);
    (decorator as (t: object, k: string | symbol, d?: PropertyDescriptor) => void)(target, propertyKey, descriptor);
  };
}

/**
 * Fields that carry nothing about a child (ids, counts, structure), marked where they are
 * declared; the schema walk test fails on any field that is neither guarded nor public.
 */
export const PUBLIC_FIELDS = new Map<string, string>();
/** Types whose fields are all structural (`PageInfo`, the caller's own `Principal`). */
export const PUBLIC_TYPES = new Map<string, string>();
/** Types that are only ever reached through a guarded field: that field's guard decides for all of it. */
export const CONTAINED_TYPES = new Set<string>();

/** Fields whose resolver applies the access decisions itself (match evidence, search results). */
export const RESOLVER_GUARDED = new Map<string, string>();

function fieldMarker(registry: Map<string, string>, text: string, typeName?: string): MethodDecorator & PropertyDecorator {
  return (target: object, propertyKey: string | symbol) => {
    registry.set(`${typeName ?? target.constructor.name}.${String(propertyKey)}`, text);
  };
}

/**
 * A field that discloses nothing about a child; `why` says so for the reviewer. `typeName` for a
 * root field or an entity extension, whose resolver class is not named after its GraphQL type.
 */
export function Public(why: string, typeName?: string): MethodDecorator & PropertyDecorator {
  return fieldMarker(PUBLIC_FIELDS, why, typeName);
}

/** A field whose resolver decides access itself; `how` names the categories and the function. */
export function GuardedInResolver(how: string, typeName?: string): MethodDecorator & PropertyDecorator {
  return fieldMarker(RESOLVER_GUARDED, how, typeName);
}

/** A type with nothing about a child in any field. */
export function PublicType(why: string): ClassDecorator {
  return (target) => {
    PUBLIC_TYPES.set(target.name, why);
  };
}

/** A value type (a name, an identifier) whose every field the guard of its parent field decides. */
export function Contained(): ClassDecorator {
  return (target) => {
    CONTAINED_TYPES.add(target.name);
  };
}
