require('reflect-metadata');
const { performance } = require('node:perf_hooks');
const { loadConfig } = require('./dist/src/config');
const { openDatabase, startEmbedded } = require('./dist/src/db');
const { rootLogger } = require('./dist/src/log');
const { startGatewayServer } = require('./dist/src/gateway/server');
const { signDevToken } = require('./dist/src/access');
const auditModule = require('./dist/src/access/audit');
const { AccessDecisions } = require('./dist/src/access/decisions');
const PERSON_QUERY = `query ($id: ID!) { person(id: $id) { id
  identities { agency feed names { kind given family } birthDates { value precision } identifiers { scheme value verified } }
  care { agency placements { startedOn postcode } missingEpisodes { kind open startedAt } } } }`;
(async () => {
  const base = loadConfig();
  const log = rootLogger('silent');
  const embedded = await startEmbedded(base.home, log);
  const config = { ...base, databaseUrl: embedded.urlFor('harbour_bench') };
  const database = await openDatabase(config, log, { poolSize: 10 });
  const deps = { config, db: database.db, log };
  const on = await startGatewayServer(deps, 0, '127.0.0.1');
  const off = await startGatewayServer({ ...deps, unguarded: true }, 0, '127.0.0.1');
  const auth = `Bearer ${signDevToken(config.home, { sub: 'b', agency: 'LA-213', agencyKind: 'CHILDRENS_SERVICES', roles: ['ANALYST'], ttlSeconds: 3600 })}`;
  const ids = (await database.db.query(`select id from identity.person order by md5(id::text) limit 300`)).map((r) => r.id);
  const post = async (url, id) => { const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body: JSON.stringify({ query: PERSON_QUERY, variables: { id } }) }); return r.json(); };
  const measure = async (url) => { const t = []; for (const id of ids) { const s = performance.now(); await post(url, id); t.push(performance.now() - s); } t.sort((a, b) => a - b); return t[Math.floor(t.length / 2)].toFixed(2); };
  const realAppend = auditModule.appendAudit;
  const realByBasis = AccessDecisions.prototype.byBasis;
  for (let round = 0; round < 2; round++) {
    console.log('off', await measure(off.url));
    console.log('on', await measure(on.url));
    auditModule.appendAudit = async () => {};
    console.log('on, no audit', await measure(on.url));
    AccessDecisions.prototype.byBasis = async () => ({ kind: 'WITHHELD', releasableWith: [] });
    console.log('on, no audit, no bases', await measure(on.url));
    auditModule.appendAudit = realAppend;
    console.log('on, audit, no bases', await measure(on.url));
    AccessDecisions.prototype.byBasis = realByBasis;
  }
  await on.stop(); await off.stop(); await database.close(); await embedded.stop();
})().catch((e) => { console.error(e); process.exit(1); });
