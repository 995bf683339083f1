/**
 * Every TypeORM entity the store registers: none. Harbour reads and writes in SQL it states
 * (parameterised, pinned by golden tests), and the schema only changes through migrations; the
 * store knows no subgraph.
 */
export const entities: string[] = [];
