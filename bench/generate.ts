/**
 * A seeded synthetic store for the benchmarks: `persons` persons with 1–5 source identities each
 * (about 3 on average), names, dates of birth, identifiers, contacts, and for LA identities a
 * placement and sometimes a missing episode. Generated in SQL; reused when already there
 * (the table name of the marker carries the generator version: change it when this changes).
 *
 * Names are made of syllables, drawn with a skew, so that the vocabulary looks like a real one:
 * a few thousand tokens, some very common, most rare. The blocking keys are then written by the
 * same code ingest uses (`refreshMatchKeys`), chunk by chunk.
 */
import type { Pool } from 'pg';
import type { Db } from '../src/db';
import { KEYS_VERSION } from '../src/matching';
import { rekeyStore } from '../src/resolution';

const SYLLABLES = ['an', 'bi', 'da', 'el', 'fa', 'gi', 'ha', 'ka', 'la', 'ma', 'na', 'ra', 'sa', 'ta', 'va', 'ya', 'zu', 'mi', 'lo', 'ne',
  'ri', 'so', 'tu', 'de', 'mo', 'ku', 'be', 'li', 'no', 'pa', 'qa', 'wi', 'ez', 'ol', 'ar', 'um', 'in', 'es', 'or', 'ul'];

const AGENCIES = ['LA-213', 'LA-886', 'POLICE-MPS', 'POLICE-WYP', 'HO'];

export async function ensureBenchData(pool: Pool, db: Db, persons: number, seed: number, log: (m: string) => void): Promise<void> {
  await pool.query('create table if not exists public.bench_meta_v4 (persons int not null, seed int not null)');
  await pool.query('create table if not exists public.bench_keys (version int not null)');
  const meta = await pool.query<{ persons: number; seed: number }>('select persons, seed from public.bench_meta_v4');
  if (meta.rows[0]?.persons === persons && meta.rows[0]?.seed === seed) {
    const keys = await pool.query<{ version: number }>('select version from public.bench_keys');
    if (keys.rows[0]?.version !== KEYS_VERSION) await rekey(pool, db, log);
    return;
  }
  log(`generating ${persons} persons (seed ${seed}); reused on later runs`);
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query('truncate identity.match_vocabulary, identity.match_dirty, identity.person, identity.source_identity, identity.name, identity.birth_date, identity.identifier, identity.contact_point, identity.biometric_reference, care.placement, care.missing_episode cascade');
    await client.query('select setseed($1)', [(seed % 1000) / 1000]);
    // Ids from the seed, not gen_random_uuid(): they order the rows, pick each person's number of
    // identities and the bench's sample, so a fresh store is the same store on every machine.
    await client.query(`insert into identity.person (id) select md5($2 || ':' || n)::uuid from generate_series(1, $1) n`, [persons, String(seed)]);
    await client.query(
      `insert into identity.source_identity (id, person_id, agency, feed, local_id, sex, nationality, first_seen, last_seen)
       select md5(p.id::text || ':' || g)::uuid, p.id, ($1::text[])[1 + ((p.n + g) % 5)], 'bench', p.n || '-' || g,
              case when random() < 0.8 then 'MALE' else 'FEMALE' end,
              (array['VNM','ERI','AFG','IRQ','SDN','UKR','ALB'])[1 + floor(random() * 7)::int],
              now() - make_interval(days => (random() * 700)::int), now()
         from (select id, row_number() over (order by id) as n from identity.person) p,
              -- Correlated with p on purpose: an uncorrelated random() is drawn once for all rows.
              generate_series(1, 1 + abs(hashtext(p.id::text)) % 5) g`,
      [AGENCIES],
    );
    // Two syllables a given name, two or three a family name; the first syllable skewed (power 2).
    const syllable = (skew: string) => `($1::text[])[1 + floor(${skew} * ${SYLLABLES.length})::int]`;
    await client.query(
      `insert into identity.name (source_identity_id, kind, given, family, ordinal)
       select si.id, k.kind,
              initcap(${syllable('power(random(), 2)')} || ${syllable('random()')}),
              initcap(${syllable('power(random(), 2)')} || ${syllable('random()')} || case when random() < 0.5 then ${syllable('random()')} else '' end),
              k.ordinal
         from identity.source_identity si, (values ('ASSERTED', 0), ('ALTERNATE', 1)) k(kind, ordinal)`,
      [SYLLABLES],
    );
    await client.query(
      `insert into identity.birth_date (source_identity_id, value, precision, basis)
       select id, date '2006-01-01' + (random() * 4000)::int, (array['DAY','MONTH','YEAR'])[1 + floor(random() * 3)::int], 'CLAIMED'
         from identity.source_identity`,
    );
    await client.query(
      `insert into identity.identifier (source_identity_id, scheme, raw, canonical, check_status)
       select id, 'HO_REF', 'B' || lpad((floor(random() * 1e7))::text, 7, '0'), 'B' || lpad((floor(random() * 1e7))::text, 7, '0'), 'NOT_CHECKABLE'
         from identity.source_identity`,
    );
    await client.query(
      `insert into identity.contact_point (source_identity_id, kind, value, canonical)
       select id, 'PHONE', '07700 9' || lpad((floor(random() * 1e5))::text, 5, '0'), '+4477009' || lpad((floor(random() * 1e5))::text, 5, '0')
         from identity.source_identity where random() < 0.3`,
    );
    await client.query(
      `insert into care.placement (source_identity_id, agency, local_key, placement_type, started_on, postcode)
       select id, agency, local_id || '/p', 'K2', date '2024-01-01' + (random() * 600)::int, 'CT16 1AA'
         from identity.source_identity where agency like 'LA-%'`,
    );
    await client.query(
      `insert into care.missing_episode (source_identity_id, agency, local_key, kind, started_at, last_seen_location)
       select id, agency, local_id || '/m', 'MISSING', now() - make_interval(days => (random() * 300)::int), 'Dover'
         from identity.source_identity where agency like 'LA-%' and random() < 0.3`,
    );
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
  // Blocking keys, as ingest writes them, a chunk at a time; then the markers (a run killed
  // before this point generates again).
  await rekey(pool, db, log);
  await pool.query('delete from public.bench_meta_v4');
  await pool.query('insert into public.bench_meta_v4 (persons, seed) values ($1, $2)', [persons, seed]);
  await pool.query('analyze');
}

async function rekey(pool: Pool, db: Db, log: (m: string) => void): Promise<void> {
  log(`writing blocking keys (version ${KEYS_VERSION}) for every identity`);
  await rekeyStore(db, (done) => {
    if (done % 200000 === 0) log(`match keys: ${done} identities`);
  });
  await pool.query('vacuum analyze identity.match_token');
  await pool.query('delete from public.bench_keys');
  await pool.query('insert into public.bench_keys (version) values ($1)', [KEYS_VERSION]);
}

/**
 * Read the store's indexes and tables into PostgreSQL's buffer cache as far as they fit, and the
 * rest into the operating system's (`pg_prewarm`), so that the read scenarios measure the hub as
 * it runs, with its store cached, and not whatever the last command left in memory: with the OS
 * cache dropped first, `identitySearch` p95 was 155 ms against 118 ms warm (one run each). The
 * OS cache alone is not enough on hosts that empty it of pages idle for a minute. Subject and
 * baseline read the same tables, so both start warm. A server without the extension is measured
 * as it is.
 */
export async function warmStore(pool: Pool, log: (m: string) => void): Promise<void> {
  try {
    await pool.query('create extension if not exists pg_prewarm');
  } catch (error) {
    log(`pg_prewarm is not available (${(error as Error).message}); measuring with what is cached`);
    return;
  }
  const started = Date.now();
  // Indexes first (smallest first), then tables: what fits in nine tenths of PostgreSQL's buffer
  // cache is read into it, the rest into the OS cache.
  const [row] = (await pool.query<{ buffered: string; read: string }>(
    `with budget as (select 0.9 * setting::bigint * 8192 as bytes from pg_settings where name = 'shared_buffers'),
     rels as (
       select c.oid, sum(pg_relation_size(c.oid)) over (order by c.relkind = 'i' desc, pg_relation_size(c.oid), c.oid) <= (select bytes from budget) as fits
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname !~ '^(pg_|information_schema$)' and c.relkind in ('r', 'i', 'm')),
     warmed as (select fits, pg_prewarm(oid::regclass, case when fits then 'buffer' else 'read' end) as blocks from rels)
     select coalesce(sum(blocks) filter (where fits), 0) as buffered, coalesce(sum(blocks) filter (where not fits), 0) as read from warmed`,
  )).rows;
  const mb = (blocks: string | undefined) => Math.round((Number(blocks ?? 0) * 8) / 1024);
  log(`read ${mb(row?.buffered)} MB of indexes and tables into PostgreSQL's buffer cache and ${mb(row?.read)} MB into the OS cache in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
