/**
 * Commands load what they need when they run, so one that needs no GraphQL (token, sync, audit
 * verify) does not pay for type-graphql, Apollo, the schema or the matching model at start
 * (measured: importing every command's modules up front took 1.2 s of a `harbour token`'s 1.4 s).
 * `id` is resolved from src/cli/, like an import in the caller.
 */
export const load = <T>(id: string): T => require(id) as T;
